// Issue 16: `teepsim decode` exits 2 (malformed) on a QueryRequest of the wrong arity even when
// its options also offer an unsupported version or cipher suite; a one-line reason names it.
#include "teepsim/sim/decode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "tests/sim/decode/decode_test_util.h"

namespace teepsim::decode
{
namespace
{

using namespace teepsim::decode::test;

namespace fs = std::filesystem;

void ExpectMalformed(const Outcome& r)
{
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("QueryRequest must have 5 elements, has 3"), std::string::npos)
        << r.out << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// [1, {20: h'A0A1', 3: [1]}, 3]: wrong arity, short token, only version 1.
TEST(DecodeArity, ThreeElementQueryRequestExits2UnderEitherProfile)
{
    ExpectMalformed(Decode({"--hex", "--profile", "legacy", "-"}, "8301a21442a0a103810103"));
    ExpectMalformed(Decode({"--hex", "-"}, "8301a21442a0a103810103"));
}

// libteep's err1 (only version 1) and err2 (only an AES suite): both have 3 elements.
TEST(DecodeArity, LibteepMalformedQueryRequestsExit2)
{
    const fs::path libteep = fs::path(TEEPSIM_VECTORS_DIR) / "libteep-kentakayama";
    for (const char* f : {"query_request_err1.cbor", "query_request_err2.cbor"})
    {
        SCOPED_TRACE(f);
        ExpectMalformed(Decode({"--profile", "legacy", (libteep / f).string()}));
    }
}

} // namespace
} // namespace teepsim::decode
