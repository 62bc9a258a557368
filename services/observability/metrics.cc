#include "services/observability/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kokemus::observability {
namespace {

// Label values here are method names, status codes and operation names: no
// quotes or backslashes, but escape them anyway as the format requires.
std::string Escape(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string Number(double v) { return absl::StrFormat("%.6g", v); }

void RenderHistograms(
    const std::string& name, const std::string& help, const std::string& label,
    const auto& histograms, std::string& out) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " histogram\n");
  for (const auto& [key, h] : histograms) {
    const std::string labels = absl::StrCat(label, "=\"", Escape(key), "\"");
    uint64_t cumulative = 0;
    for (size_t i = 0; i < Metrics::kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      absl::StrAppend(
          &out, name, "_bucket{", labels, ",le=\"", Number(Metrics::kBuckets[i]), "\"} ",
          cumulative, "\n");
    }
    absl::StrAppend(&out, name, "_bucket{", labels, ",le=\"+Inf\"} ", h.count, "\n");
    absl::StrAppend(&out, name, "_sum{", labels, "} ", Number(h.sum), "\n");
    absl::StrAppend(&out, name, "_count{", labels, "} ", h.count, "\n");
  }
}

}  // namespace

void Metrics::Histogram::Observe(double seconds) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++counts[i];
      break;
    }
  }
  ++count;
  sum += seconds;
}

void Metrics::RecordRequest(absl::string_view method, absl::string_view code, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(method), std::string(code)}];
  latency_[std::string(method)].Observe(seconds);
}

void Metrics::RecordOperation(absl::string_view operation, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  operations_[std::string(operation)].Observe(seconds);
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  absl::StrAppend(
      &out,
      "# HELP kokemus_grpc_requests_total RPCs handled, by method and status code.\n"
      "# TYPE kokemus_grpc_requests_total counter\n");
  for (const auto& [key, count] : requests_) {
    absl::StrAppend(
        &out, "kokemus_grpc_requests_total{method=\"", Escape(key.first), "\",code=\"",
        Escape(key.second), "\"} ", count, "\n");
  }
  RenderHistograms(
      "kokemus_grpc_request_duration_seconds", "RPC latency by method.", "method", latency_, out);
  RenderHistograms(
      "kokemus_operation_duration_seconds",
      "Time of named operations (matching, contract generation).", "operation", operations_, out);
  for (const Gauge& g : gauges_) {
    absl::StrAppend(
        &out, "# HELP ", g.name, " ", g.help, "\n# TYPE ", g.name, " gauge\n", g.name, " ",
        Number(g.read()), "\n");
  }
  return out;
}

}  // namespace kokemus::observability
