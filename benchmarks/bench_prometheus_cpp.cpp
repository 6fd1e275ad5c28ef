// prometheus-cpp's side of `make bench` (Debian's prometheus-cpp-dev 1.0.1): the same
// cases as bench_n3obs.c, written the way prometheus-cpp's documentation shows.
// Usage: bench_prometheus_cpp <case>; prints "<case> <value> <unit>".
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include "bench_common.h"
}

using namespace prometheus;

static const long kOps = 20000000L;
static const long kLabelOps = 2000000L;

static double counter_increment() {
    Registry registry;
    auto &c = BuildCounter().Name("bench_counter_total").Help("h").Register(registry).Add({});
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < kOps; i++) c.Increment();
    return double(bench_now_ns() - t0) / kOps;
}

static double counter_two_threads() {
    Registry registry;
    auto &c = BuildCounter().Name("bench_shared_total").Help("h").Register(registry).Add({});
    uint64_t t0 = bench_now_ns();
    std::thread a([&] { for (long i = 0; i < kOps; i++) c.Increment(); });
    std::thread b([&] { for (long i = 0; i < kOps; i++) c.Increment(); });
    a.join();
    b.join();
    return double(bench_now_ns() - t0) / (2.0 * kOps);
}

static std::vector<std::map<std::string, std::string>> label_sets(int n) {
    std::vector<std::map<std::string, std::string>> sets;
    for (int i = 0; i < n; i++)
        sets.push_back({{"method", i % 2 ? "GET" : "POST"},
                        {"route", "/api/v1/item/" + std::to_string(i)},
                        {"status", std::to_string(200 + i % 5)}});
    return sets;
}

static double counter_labels() {
    Registry registry;
    auto &family = BuildCounter().Name("bench_labeled_total").Help("h").Register(registry);
    auto sets = label_sets(100); // built once: the peer pays only for the lookup
    for (auto &s : sets) family.Add(s).Increment();
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < kLabelOps; i++) family.Add(sets[i % 100]).Increment();
    return double(bench_now_ns() - t0) / kLabelOps;
}

static double histogram_observe() {
    Registry registry;
    Histogram::BucketBoundaries bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    auto &h = BuildHistogram().Name("bench_latency_seconds").Help("h").Register(registry).Add({}, bounds);
    double values[1024];
    bench_fill_values(values, 1024);
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < kOps; i++) h.Observe(values[i & 1023]);
    return double(bench_now_ns() - t0) / kOps;
}

static double summary_observe() {
    Registry registry;
    // client_golang's and n3obs' defaults: 0.5, 0.9, 0.99 over 10 minutes in 5 buckets.
    Summary::Quantiles quantiles{{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}};
    auto &s = BuildSummary().Name("bench_sizes").Help("h").Register(registry)
                  .Add({}, quantiles, std::chrono::minutes{10}, 5);
    double values[1024];
    bench_fill_values(values, 1024);
    long ops = kOps / 20;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < ops; i++) s.Observe(values[i & 1023]);
    return double(bench_now_ns() - t0) / ops;
}

static void make_series(Registry &registry, int from, int count) {
    auto &family = BuildCounter().Name("bench_series_total").Help("Series for the collect and memory cases.")
                       .Register(registry);
    for (int i = from; i < from + count; i++)
        family.Add({{"method", i % 2 ? "GET" : "POST"},
                    {"route", "/api/v1/item/" + std::to_string(i)},
                    {"status", std::to_string(200 + i % 5)}}).Increment();
}

static double collect() {
    Registry registry;
    make_series(registry, 0, 10000);
    auto warm = registry.Collect();
    const int rounds = 20;
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < rounds; i++) {
        auto families = registry.Collect();
        if (families.empty()) return -1;
    }
    return double(bench_now_ns() - t0) / rounds / 1e3;
}

static double memory() {
    const int n = 100000;
    static Registry registry;
    make_series(registry, 0, 100);
    long before = bench_rss_bytes();
    make_series(registry, 100, n);
    long after = bench_rss_bytes();
    return double(after - before) / n;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <case>\n", argv[0]);
        return 2;
    }
    std::string c = argv[1];
    if (c == "counter_add") bench_report(argv[1], counter_increment(), "ns");
    else if (c == "counter_two_threads") bench_report(argv[1], counter_two_threads(), "ns");
    else if (c == "counter_labels") bench_report(argv[1], counter_labels(), "ns");
    else if (c == "histogram") bench_report(argv[1], histogram_observe(), "ns");
    else if (c == "summary") bench_report(argv[1], summary_observe(), "ns");
    else if (c == "collect") bench_report(argv[1], collect(), "us");
    else if (c == "memory") bench_report(argv[1], memory(), "bytes");
    else {
        fprintf(stderr, "unknown case %s\n", argv[1]);
        return 2;
    }
    return 0;
}
