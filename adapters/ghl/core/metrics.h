// A small Prometheus metrics registry (prometheus-cpp is not packaged in
// Debian 12): counters, gauges and histograms with labels, written in the
// text exposition format (version 0.0.4).
//
// - A family (name, help, label names) holds one series per label-value
//   tuple. Looking a series up takes the family's mutex once; the returned
//   reference stays valid for the registry's lifetime, so hot paths look it
//   up once and then only touch atomics.
// - Label values and help text are escaped per the format (\\, \" and \n in
//   label values; \\ and \n in help).
// - Histogram buckets are upper bounds; the exposition writes cumulative
//   counts with le="+Inf" equal to _count.
//
// Thread-safety: everything is safe for concurrent use.
#ifndef GHL_ADAPTERS_GHL_CORE_METRICS_H_
#define GHL_ADAPTERS_GHL_CORE_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace ghl::metrics {

/// A monotonically increasing count.
class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

/// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double by);
  void Increment() { Add(1); }
  void Decrement() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into fixed buckets (upper bounds, ascending).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Non-cumulative count of bucket i (i == bounds().size(): above the last).
  uint64_t BucketCount(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

/// One metric name and its series.
template <typename T>
class Family {
 public:
  /// The series of `values` (one per label name, in order; missing ones are
  /// empty, extra ones are ignored). Created at zero on first use.
  T& WithLabels(const std::vector<std::string>& values);
  /// The series without labels (for a family with no label names).
  T& Get() { return WithLabels({}); }

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}
  void Write(MetricType type, std::string* out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histograms only
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_ ABSL_GUARDED_BY(mu_);
};

/// Owns families; writes them all in registration order.
class Registry {
 public:
  /// Registering a name twice returns the first family (same type expected).
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);

  /// Every family in the text exposition format.
  std::string Exposition() const;

 private:
  struct Entry {
    MetricType type;
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Gauge>> gauge;
    std::unique_ptr<Family<Histogram>> histogram;
  };
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

/// The process-wide registry the gateway's metrics live in.
Registry& DefaultRegistry();

/// Escapes a label value: backslash, double quote and line feed.
std::string EscapeLabelValue(absl::string_view value);
/// Escapes help text: backslash and line feed.
std::string EscapeHelp(absl::string_view help);
/// A sample value as the format writes it (integers without a fraction,
/// +Inf, -Inf, NaN).
std::string FormatValue(double v);

/// Default latency buckets in seconds (5 ms .. 30 s).
std::vector<double> LatencyBuckets();

}  // namespace ghl::metrics

#endif  // GHL_ADAPTERS_GHL_CORE_METRICS_H_
