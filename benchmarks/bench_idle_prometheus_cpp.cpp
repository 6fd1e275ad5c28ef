// The idle peer of bench_delivery's idle case: prometheus-cpp's Exposer (civetweb) serving
// a registry with one counter, left idle. Settles 2 s, then prints the voluntary context
// switches of all its threads over SECONDS as one JSON line.
//
//   bench_idle_prometheus_cpp PORT SECONDS
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "bench_common.h"

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT SECONDS\n", argv[0]);
        return 2;
    }
    const double seconds = atof(argv[2]);
    prometheus::Exposer exposer{std::string("127.0.0.1:") + argv[1]};
    auto registry = std::make_shared<prometheus::Registry>();
    prometheus::BuildCounter().Name("requests_total").Help("requests").Register(*registry)
        .Add({}).Increment();
    exposer.RegisterCollectable(registry);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    int threads = 0;
    long before = bench_voluntary_switches(&threads);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    long after = bench_voluntary_switches(&threads);
    printf("{\"seconds\": %.1f, \"voluntary_switches\": %ld, \"per_second\": %.2f, "
           "\"threads\": %d}\n", seconds, after - before, (double)(after - before) / seconds,
           threads);
    return 0;
}
