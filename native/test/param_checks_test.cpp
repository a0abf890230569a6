// The packed formats' shared parameter checks (pack/param_checks.h): each
// accepts the edge of its range and rejects what lies past it with
// JAO_INVALID_ARGUMENT and a message naming the function and the rule.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "abi/guard.h"
#include "jao/jao_linear.h"
#include "pack/param_checks.h"

namespace {

using namespace jao::pack;

constexpr const char* kFn = "jao_test_fn";
constexpr int64_t kTwo31 = int64_t{1} << 31;

// The message of the jao::Error check() throws, or "" when it does not throw.
std::string message_of(const std::function<void()>& check) {
    try {
        check();
    } catch (const jao::Error& e) {
        EXPECT_EQ(e.status(), JAO_INVALID_ARGUMENT);
        return e.what();
    }
    return "";
}

TEST(ParamChecks, AcceptTheEdgesOfTheirRanges) {
    EXPECT_EQ(message_of([] { require_dims(1, 1, kFn); }), "");
    EXPECT_EQ(message_of([] { require_dims(kTwo31 - 1, kTwo31 - 1, kFn); }), "");
    EXPECT_EQ(message_of([] { require_weight_nbit(1, kFn); }), "");
    EXPECT_EQ(message_of([] { require_weight_nbit(8, kFn); }), "");
    EXPECT_EQ(message_of([] { require_group_divides_k(32, 96, kFn); }), "");
    EXPECT_EQ(message_of([] { require_group_divides_k(96, 96, kFn); }), "");
    EXPECT_EQ(message_of([] { require_scale_dtype(JAO_SCALE_F32, kFn); }), "");
    EXPECT_EQ(message_of([] { require_scale_dtype(JAO_SCALE_BF16, kFn); }), "");
    EXPECT_EQ(message_of([] { require_flag(0, "has_bias", kFn); }), "");
    EXPECT_EQ(message_of([] { require_flag(1, "has_bias", kFn); }), "");
    EXPECT_EQ(message_of([] { require_holds(4096, 4096, kFn); }), "");
}

TEST(ParamChecks, RejectWithTheFunctionAndTheRule) {
    EXPECT_EQ(message_of([] { require_dims(0, 8, kFn); }), "jao_test_fn: n must be in [1, 2^31), got 0");
    EXPECT_EQ(message_of([] { require_dims(kTwo31, 8, kFn); }), "jao_test_fn: n must be in [1, 2^31), got 2147483648");
    EXPECT_EQ(message_of([] { require_dims(8, -3, kFn); }), "jao_test_fn: k must be in [1, 2^31), got -3");
    EXPECT_EQ(message_of([] { require_weight_nbit(0, kFn); }), "jao_test_fn: weight_nbit must be in [1, 8], got 0");
    EXPECT_EQ(message_of([] { require_weight_nbit(9, kFn); }), "jao_test_fn: weight_nbit must be in [1, 8], got 9");
    EXPECT_EQ(message_of([] { require_group_divides_k(0, 96, kFn); }),
              "jao_test_fn: group_size must divide k (k=96, group_size=0)");
    EXPECT_EQ(message_of([] { require_group_divides_k(64, 96, kFn); }),
              "jao_test_fn: group_size must divide k (k=96, group_size=64)");
    EXPECT_EQ(message_of([] { require_scale_dtype(2, kFn); }),
              "jao_test_fn: scale_dtype must be JAO_SCALE_F32 (0) or JAO_SCALE_BF16 (1), got 2");
    EXPECT_EQ(message_of([] { require_flag(-1, "has_offsets", kFn); }), "jao_test_fn: has_offsets must be 0 or 1");
    EXPECT_EQ(message_of([] { require_holds(4095, 4096, kFn); }),
              "jao_test_fn: packed buffer of 4095 bytes is smaller than its header says (4096)");
}

}  // namespace
