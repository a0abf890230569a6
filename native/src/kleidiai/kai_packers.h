// Internal C++ API of the KleidiAI layout packers (C entry points: abi/kleidiai_abi.cpp,
// documented in jao/jao_kleidiai.h). Each validate_* throws jao::Error
// (JAO_INVALID_ARGUMENT) naming `fn`; the pack/unpack functions expect validated shapes
// and buffers of at least packed_size bytes.
//
// The RHS packers read their input through a row source, so one packer serves plain
// int8 tensors, torchao's even-n padding and ATen's nibble buffers alike. A row source
// is called with a row index in [0, n) and fills that row's values; it may throw.
#pragma once

#include <cstdint>
#include <functional>

namespace jao::kai {

// ---------------------------------------------------------------- RHS qsi4c32p (bf16 scales)
struct Qsi4c32pShape {
    int64_t n, k, bl;
    int32_t nr, kr, sr;
};
// fill(row, q[k] in [-8, 7], scales_bf16[k/bl], bias[1])
using Qsi4c32pRows = std::function<void(int64_t row, int8_t* q, uint16_t* scales_bf16, float* bias)>;

void validate(const Qsi4c32pShape& s, const char* fn);
int64_t packed_size(const Qsi4c32pShape& s, const char* fn);
void pack(const Qsi4c32pShape& s, const Qsi4c32pRows& rows, uint8_t* dst);
// Each output may be null: q [n][k], scales_bf16 [n][k/bl], bias [n].
void unpack(const Qsi4c32pShape& s, const uint8_t* src, int8_t* q, uint16_t* scales_bf16, float* bias);

// ---------------------------------------------------------------- RHS per channel (qsi4cxp, qsi8cxp)
// Two distinct shape types so overloads pick the format; both are {n, k, nr, kr, sr}.
struct Qsi4cxpShape {
    int64_t n, k;
    int32_t nr, kr, sr;
};
struct Qsi8cxpShape {
    int64_t n, k;
    int32_t nr, kr, sr;
};
// fill(row, q[k], scale[1], bias[1])
using ChannelRows = std::function<void(int64_t row, int8_t* q, float* scale, float* bias)>;

void validate(const Qsi4cxpShape& s, const char* fn);
int64_t packed_size(const Qsi4cxpShape& s, const char* fn);
void pack(const Qsi4cxpShape& s, const ChannelRows& rows, uint8_t* dst);
void unpack(const Qsi4cxpShape& s, const uint8_t* src, int8_t* q, float* scales, float* bias);

void validate(const Qsi8cxpShape& s, const char* fn);
int64_t packed_size(const Qsi8cxpShape& s, const char* fn);
void pack(const Qsi8cxpShape& s, const ChannelRows& rows, uint8_t* dst);
void unpack(const Qsi8cxpShape& s, const uint8_t* src, int8_t* q, float* scales, float* bias);

// ---------------------------------------------------------------- LHS qai8dxp
struct LhsShape {
    int64_t m, k;
    int32_t mr, kr, sr;
};

// KleidiAI's per-row asymmetric int8 quantization of x[0..k).
struct RowQuant {
    float scale;      // 255 / (rmax - rmin), or 1
    float inv_scale;  // 1 / scale (stored)
    int32_t zero_point;
};
RowQuant choose_row_quant(const float* x, int64_t k);
int8_t quantize_value(float x, const RowQuant& rq);

void validate(const LhsShape& s, const char* fn);
int64_t packed_size(const LhsShape& s, const char* fn);
// Packs rows [0, m) of x (row stride in elements); zero-fills the unwritten padding rows.
void pack(const LhsShape& s, const float* x, int64_t x_row_stride, uint8_t* dst);
void unpack(const LhsShape& s, const uint8_t* src, int8_t* q, int32_t* neg_zero_point, float* inv_scale);

// ---------------------------------------------------------------- torchao header variant
struct TorchaoShape {
    int64_t n, k, group_size;
    int32_t nr, kr, sr;
};
void validate(const TorchaoShape& s, const char* fn);
int64_t packed_size(const TorchaoShape& s, const char* fn);
void pack(const TorchaoShape& s, const int8_t* q, const float* scales, const float* bias, uint8_t* dst,
          const char* fn);
// Reads nr/kr/sr/has_bias from the header (JAO_CORRUPT_DATA when it is not a torchao
// kleidi header); s.nr/kr/sr are ignored. src_size is checked here.
void unpack(const TorchaoShape& s, const uint8_t* src, int64_t src_size, int8_t* q, float* scales, float* bias,
            const char* fn);

// ---------------------------------------------------------------- ATen _dyn_quant_pack_4bit_weight
struct AtenShape {
    int64_t n, k, block_size;
};
void validate(const AtenShape& s, const char* fn);
int64_t packed_size(const AtenShape& s, const char* fn);
void pack(const AtenShape& s, const uint8_t* weights, const void* scales, int32_t scale_type, const float* bias,
          uint8_t* dst, const char* fn);
void unpack(const AtenShape& s, const uint8_t* src, uint8_t* weights, void* scales, float* bias);
bool aten_channelwise(const AtenShape& s);
// The KleidiAI shapes of ATen's two buffers (nr 8, kr 16, sr 2).
Qsi4cxpShape aten_channel_shape(const AtenShape& s);
Qsi4c32pShape aten_group_shape(const AtenShape& s);

// ---------------------------------------------------------------- bf16
uint16_t bf16_truncate(float f);
uint16_t bf16_nearest_even(float f);

}  // namespace jao::kai
