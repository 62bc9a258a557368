// Prometheus metrics of one server: requests by method and status code,
// latency histograms, named operation timings (matching, contract
// generation), and gauges read at scrape time (database pool use). Thread-safe;
// Render() gives the text exposition format.
//
//   Metrics metrics;
//   metrics.RecordRequest("/kokemus.v1.OrderService/GetOrder", "OK", 0.0012);
//   metrics.AddGauge("kokemus_db_pool_in_use", "Sessions in use", [&] { return db.InUse(); });
//   std::string text = metrics.Render();
#ifndef KOKEMUS_SERVICES_OBSERVABILITY_METRICS_H_
#define KOKEMUS_SERVICES_OBSERVABILITY_METRICS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace kokemus::observability {

class Metrics final {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

  void RecordRequest(absl::string_view method, absl::string_view code, double seconds);
  void RecordOperation(absl::string_view operation, double seconds);
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // not cumulative
    uint64_t count = 0;
    double sum = 0;
    void Observe(double seconds);
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> requests_;  // (method, code)
  std::map<std::string, Histogram> latency_;                          // by method
  std::map<std::string, Histogram> operations_;                       // by operation
  std::vector<Gauge> gauges_;
};

}  // namespace kokemus::observability

#endif  // KOKEMUS_SERVICES_OBSERVABILITY_METRICS_H_
