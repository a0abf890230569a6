// Reads fields of a golden manifest.json (testdata/golden*/README.md) by text search:
// the manifests are generated with one key per line, so no JSON parser is needed.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace jao::test {

inline std::string read_manifest(const std::string& dir) {
    std::ifstream in(dir + "/manifest.json");
    if (!in) throw std::runtime_error("missing " + dir + "/manifest.json");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The text of case `name` (up to the next case), empty when absent.
inline std::string case_entry(const std::string& manifest, const std::string& name) {
    const size_t at = manifest.find("\"name\": \"" + name + "\"");
    if (at == std::string::npos) return "";
    const size_t end = manifest.find("\"name\": \"", at + 10);
    return manifest.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// The raw value text after `"key": ` (first occurrence in the entry), without quotes.
inline std::optional<std::string> field(const std::string& entry, const std::string& key) {
    const std::string tag = "\"" + key + "\": ";
    const size_t at = entry.find(tag);
    if (at == std::string::npos) return std::nullopt;
    size_t b = at + tag.size(), e = entry.find_first_of(",\n}", b);
    std::string v = entry.substr(b, e - b);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
}

inline int64_t int_field(const std::string& entry, const std::string& key) {
    const auto v = field(entry, key);
    if (!v) throw std::runtime_error("manifest: no field " + key);
    return std::stoll(*v);
}

// Names of the cases of `category`, in manifest order (one pass over the text).
inline std::vector<std::string> case_names(const std::string& manifest, const std::string& category) {
    std::vector<std::string> out;
    const std::string tag = "\"name\": \"";
    for (size_t at = manifest.find(tag); at != std::string::npos;) {
        const size_t next = manifest.find(tag, at + 1);
        const std::string entry = manifest.substr(at, next == std::string::npos ? std::string::npos : next - at);
        if (field(entry, "category") == category) out.push_back(*field(entry, "name"));
        at = next;
    }
    return out;
}

// atol / rtol of tensor `tensor` of case `name`.
inline bool tolerance(const std::string& manifest, const std::string& name, const std::string& tensor, double* atol,
                      double* rtol) {
    const std::string entry = case_entry(manifest, name);
    const size_t t = entry.find("\"" + tensor + "\": {");
    if (t == std::string::npos) return false;
    const auto a = field(entry.substr(t), "atol"), r = field(entry.substr(t), "rtol");
    if (!a || !r) return false;
    *atol = std::stod(*a);
    *rtol = std::stod(*r);
    return true;
}

}  // namespace jao::test
