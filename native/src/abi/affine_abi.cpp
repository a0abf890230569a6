// C entry points of jao_affine.h.
#include "abi/guard.h"
#include "affine/affine_rows.h"

using jao::require;

extern "C" {

JAO_API jao_status jao_affine_choose_qparams(const jao_affine_params* p, const void* x, float* scales,
                                             float* zero_points) {
    constexpr const char* fn = "jao_affine_choose_qparams";
    return jao::abi::guarded(fn, [&] {
        require(p && x && scales, fn, "x and scales must not be null");
        jao::affine::validate(*p, fn);
        require(zero_points || p->zero_point_domain == JAO_ZP_NONE, fn, "zero_points must not be null");
        jao::affine::choose_qparams(*p, x, scales, zero_points);
    });
}

JAO_API jao_status jao_affine_quantize(const jao_affine_params* p, const void* x, const float* scales,
                                       const float* zero_points, int8_t* q) {
    constexpr const char* fn = "jao_affine_quantize";
    return jao::abi::guarded(fn, [&] {
        require(p && x && scales && q, fn, "x, scales and q must not be null");
        jao::affine::validate(*p, fn);
        require(zero_points || p->zero_point_domain != JAO_ZP_FLOAT, fn, "the FLOAT domain needs zero_points");
        jao::affine::quantize(*p, x, scales, zero_points, q);
    });
}

JAO_API jao_status jao_affine_dequantize(const jao_affine_params* p, const int8_t* q, const float* scales,
                                         const float* zero_points, int32_t output_type, void* y) {
    constexpr const char* fn = "jao_affine_dequantize";
    return jao::abi::guarded(fn, [&] {
        require(p && q && scales && y, fn, "q, scales and y must not be null");
        jao::affine::validate(*p, fn);
        require(zero_points || p->zero_point_domain != JAO_ZP_FLOAT, fn, "the FLOAT domain needs zero_points");
        require(output_type >= JAO_F32 && output_type <= JAO_F16, fn, "unknown output type");
        jao::affine::dequantize(*p, q, scales, zero_points, output_type, y);
    });
}

JAO_API jao_status jao_affine_hqq_scale_only(const jao_affine_params* p, const void* x, float* scales, int8_t* q) {
    constexpr const char* fn = "jao_affine_hqq_scale_only";
    return jao::abi::guarded(fn, [&] {
        require(p && x && scales && q, fn, "pointers must not be null");
        jao::affine::validate(*p, fn);
        jao::affine::hqq_scale_only(*p, x, scales, q);
    });
}

JAO_API jao_status jao_affine_fake_quantize_backward(const jao_affine_params* p, const void* x, const float* scales,
                                                     const float* zero_points, const float* grad_y, void* grad_x) {
    constexpr const char* fn = "jao_affine_fake_quantize_backward";
    return jao::abi::guarded(fn, [&] {
        require(p && x && scales && grad_y && grad_x, fn, "x, scales, grad_y and grad_x must not be null");
        jao::affine::validate(*p, fn);
        require(p->zero_point_domain != JAO_ZP_FLOAT, fn, "the FLOAT zero-point domain has no fake-quantize backward here");
        jao::affine::fake_quantize_backward(*p, x, scales, zero_points, grad_y, grad_x);
    });
}

}
