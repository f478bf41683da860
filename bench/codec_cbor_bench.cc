// CBOR decode / encode cost per message for the draft's Update and QueryResponse examples.
#include "teepsim/codec/cbor.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "bench_vectors.h"

using namespace teepsim::cbor;

namespace
{

using teepsim::bench::LoadVector;

void BM_Decode(benchmark::State& state, const char* name)
{
    const Bytes in = LoadVector(name);
    for (auto _ : state)
    {
        auto r = Decode(in);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(in.size()));
}

void BM_Encode(benchmark::State& state, const char* name)
{
    const Value v = *Decode(LoadVector(name));
    for (auto _ : state)
    {
        Bytes out = Encode(v);
        benchmark::DoNotOptimize(out);
    }
}

void BM_DecodeEncode(benchmark::State& state, const char* name)
{
    const Bytes in = LoadVector(name);
    for (auto _ : state)
    {
        Bytes out = Encode(*Decode(in));
        benchmark::DoNotOptimize(out);
    }
}

void BM_DecodeNested(benchmark::State& state, const char* name)
{
    // Update carries the SUIT envelope as bstr .cbor: decode the outer message, then every
    // bstr that holds a container, as the TEEP + SUIT layers do.
    const Bytes in = LoadVector(name);
    for (auto _ : state)
    {
        auto outer = Decode(in);
        size_t n = 0;
        auto walk = [&](auto&& self, const Value& v) -> void
        {
            if (v.isBstr() && !v.bytes().empty() && (v.bytes()[0] >> 5) >= 4 &&
                (v.bytes()[0] >> 5) <= 6)
            {
                if (auto inner = Decode(v.bytes()))
                {
                    ++n;
                    self(self, *inner);
                }
            }
            for (const auto& e : v.array())
                self(self, e);
            for (const auto& [k, e] : v.map())
                self(self, e);
            if (v.isTag())
                self(self, v.tagged());
        };
        walk(walk, *outer);
        benchmark::DoNotOptimize(n);
    }
}

} // namespace

BENCHMARK_CAPTURE(BM_Decode, update, "update.cbor");
BENCHMARK_CAPTURE(BM_Decode, query_response, "query_response.cbor");
BENCHMARK_CAPTURE(BM_Encode, update, "update.cbor");
BENCHMARK_CAPTURE(BM_Encode, query_response, "query_response.cbor");
BENCHMARK_CAPTURE(BM_DecodeEncode, update, "update.cbor");
BENCHMARK_CAPTURE(BM_DecodeEncode, query_response, "query_response.cbor");
BENCHMARK_CAPTURE(BM_DecodeNested, update, "update.cbor");

BENCHMARK_MAIN();
