// `make bench`: prometheus-cpp's TextSerializer on the 10,000 series that
// exposition/main.swift serializes with n3obs (same names, labels and values), collected
// once, serialized repeatedly. Prints "serialize_text <us> us".
//
//   bench_exposition_cpp [--dump]
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cstring>
#include <iostream>
#include <string>

#include "bench_common.h"

using namespace prometheus;

int main(int argc, char **argv) {
    Registry registry;
    for (int f = 0; f < 10; f++) {
        auto &counter = BuildCounter().Name("bench_requests_" + std::to_string(f) + "_total")
                            .Help("Requests of group " + std::to_string(f) + ".").Register(registry);
        auto &gauge = BuildGauge().Name("bench_inflight_" + std::to_string(f))
                          .Help("In flight in group " + std::to_string(f) + ".").Register(registry);
        for (int i = 0; i < 500; i++) {
            Labels labels = {{"method", i % 2 == 1 ? "GET" : "POST"},
                             {"route", "/api/v1/item/" + std::to_string(i)},
                             {"status", std::to_string(200 + i % 5)}};
            counter.Add(labels).Increment(double(i % 97 + 1));
            gauge.Add(labels).Set(double(i) * 0.001 * double(f + 1));
        }
    }
    auto families = registry.Collect();
    TextSerializer serializer;
    if (argc > 1 && std::strcmp(argv[1], "--dump") == 0) {
        std::cout << serializer.Serialize(families);
        return 0;
    }
    size_t sink = 0;
    for (int i = 0; i < 3; i++) sink += serializer.Serialize(families).size();
    long rounds = 0;
    uint64_t t0 = bench_now_ns();
    while (bench_now_ns() - t0 < 1000000000u || rounds < 10) {
        sink += serializer.Serialize(families).size() & 1;
        rounds++;
    }
    double per = double(bench_now_ns() - t0) / double(rounds);
    bench_report("serialize_text", per / 1e3, "us");
    return sink == 42 ? 1 : 0;
}
