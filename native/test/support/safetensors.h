// Minimal safetensors reader for tests (format: testdata/golden/README.md):
// 8-byte LE header length, JSON header, raw little-endian tensor bytes.
// Header-only, no dependencies; throws std::runtime_error on malformed input.
#pragma once

#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace jao::test {

struct StTensor {
    std::string dtype;           // "F32", "BF16", "I8", "U8", "I32", ...
    std::vector<int64_t> shape;  // empty for 0-d
    std::vector<uint8_t> data;   // raw bytes

    int64_t numel() const {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        return n;
    }
    // Elements widened to float (F32, BF16, F16 not supported).
    std::vector<float> as_f32() const {
        std::vector<float> out(static_cast<size_t>(numel()));
        for (size_t i = 0; i < out.size(); ++i) {
            uint32_t u = 0;
            if (dtype == "F32") std::memcpy(&u, data.data() + 4 * i, 4);
            else if (dtype == "BF16") {
                uint16_t h;
                std::memcpy(&h, data.data() + 2 * i, 2);
                u = static_cast<uint32_t>(h) << 16;
            } else if (dtype == "I8") {
                out[i] = static_cast<float>(static_cast<int8_t>(data[i]));
                continue;
            } else throw std::runtime_error("safetensors: as_f32 of dtype " + dtype);
            std::memcpy(&out[i], &u, 4);
        }
        return out;
    }
    std::vector<int8_t> as_i8() const {
        if (dtype != "I8") throw std::runtime_error("safetensors: as_i8 of dtype " + dtype);
        return std::vector<int8_t>(data.begin(), data.end());
    }
};

class SafeTensors {
public:
    explicit SafeTensors(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("safetensors: cannot open " + path);
        std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.size() < 8) throw std::runtime_error("safetensors: short file " + path);
        uint64_t n;
        std::memcpy(&n, bytes.data(), 8);
        if (n > bytes.size() - 8) throw std::runtime_error("safetensors: bad header length in " + path);
        json_ = std::string(bytes.begin() + 8, bytes.begin() + 8 + static_cast<int64_t>(n));
        pos_ = 0;
        const uint8_t* body = bytes.data() + 8 + n;
        const size_t body_size = bytes.size() - 8 - n;
        expect('{');
        while (peek() != '}') {
            std::string name = parse_string();
            expect(':');
            if (name == "__metadata__") {
                expect('{');
                while (peek() != '}') {
                    std::string key = parse_string();
                    expect(':');
                    metadata_[key] = parse_string();
                    if (peek() == ',') ++pos_;
                }
                expect('}');
            } else {
                StTensor t;
                int64_t begin = -1, end = -1;
                expect('{');
                while (peek() != '}') {
                    std::string key = parse_string();
                    expect(':');
                    if (key == "dtype") t.dtype = parse_string();
                    else if (key == "shape") t.shape = parse_ints();
                    else if (key == "data_offsets") {
                        auto o = parse_ints();
                        if (o.size() != 2) throw std::runtime_error("safetensors: bad data_offsets");
                        begin = o[0];
                        end = o[1];
                    } else throw std::runtime_error("safetensors: unknown key " + key);
                    if (peek() == ',') ++pos_;
                }
                expect('}');
                if (begin < 0 || end < begin || static_cast<uint64_t>(end) > body_size)
                    throw std::runtime_error("safetensors: bad offsets of " + name);
                t.data.assign(body + begin, body + end);
                tensors_[name] = std::move(t);
            }
            if (peek() == ',') ++pos_;
        }
        expect('}');
    }

    bool has(const std::string& name) const { return tensors_.count(name) != 0; }
    const StTensor& at(const std::string& name) const {
        auto it = tensors_.find(name);
        if (it == tensors_.end()) throw std::runtime_error("safetensors: no tensor " + name);
        return it->second;
    }
    const std::map<std::string, StTensor>& tensors() const { return tensors_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }

private:
    char peek() {
        while (pos_ < json_.size() && std::isspace(static_cast<unsigned char>(json_[pos_]))) ++pos_;
        if (pos_ >= json_.size()) throw std::runtime_error("safetensors: truncated header");
        return json_[pos_];
    }
    void expect(char c) {
        if (peek() != c) throw std::runtime_error(std::string("safetensors: expected '") + c + "'");
        ++pos_;
    }
    std::string parse_string() {
        expect('"');
        std::string s;
        while (pos_ < json_.size() && json_[pos_] != '"') {
            if (json_[pos_] == '\\' && pos_ + 1 < json_.size()) ++pos_;
            s += json_[pos_++];
        }
        expect('"');
        return s;
    }
    std::vector<int64_t> parse_ints() {
        std::vector<int64_t> v;
        expect('[');
        while (peek() != ']') {
            size_t used = 0;
            v.push_back(std::stoll(json_.substr(pos_), &used));
            pos_ += used;
            if (peek() == ',') ++pos_;
        }
        expect(']');
        return v;
    }

    std::string json_;
    size_t pos_ = 0;
    std::map<std::string, StTensor> tensors_;
    std::map<std::string, std::string> metadata_;
};

// The elements of a tensor as T (the caller picks T to match the stored dtype).
template <class T>
std::vector<T> values(const StTensor& t) {
    std::vector<T> v(t.data.size() / sizeof(T));
    std::memcpy(v.data(), t.data.data(), v.size() * sizeof(T));
    return v;
}

}  // namespace jao::test
