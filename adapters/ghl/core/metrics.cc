#include "adapters/ghl/core/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace ghl::metrics {
namespace {

void AtomicAdd(std::atomic<double>& target, double by) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
  }
}

// {a="x",b="y"} plus an optional extra pair (le for buckets); empty when
// there is nothing to write.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     absl::string_view extra_name = {}, absl::string_view extra_value = {}) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&out, out.empty() ? "{" : ",", names[i], "=\"",
                    EscapeLabelValue(i < values.size() ? values[i] : ""), "\"");
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, out.empty() ? "{" : ",", extra_name, "=\"", extra_value, "\"");
  }
  if (!out.empty()) out += "}";
  return out;
}

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void WriteSeries(const std::string& name, const std::vector<std::string>& names,
                 const std::vector<std::string>& values, const Counter& c, std::string* out) {
  absl::StrAppend(out, name, LabelSet(names, values), " ", c.Value(), "\n");
}
void WriteSeries(const std::string& name, const std::vector<std::string>& names,
                 const std::vector<std::string>& values, const Gauge& g, std::string* out) {
  absl::StrAppend(out, name, LabelSet(names, values), " ", FormatValue(g.Value()), "\n");
}
void WriteSeries(const std::string& name, const std::vector<std::string>& names,
                 const std::vector<std::string>& values, const Histogram& h, std::string* out) {
  // Read the buckets first and derive the count from them, so one scrape is
  // self-consistent (+Inf == _count) even while observations land.
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= h.bounds().size(); ++i) {
    cumulative += h.BucketCount(i);
    const std::string le = i < h.bounds().size() ? FormatValue(h.bounds()[i]) : "+Inf";
    absl::StrAppend(out, name, "_bucket", LabelSet(names, values, "le", le), " ", cumulative, "\n");
  }
  absl::StrAppend(out, name, "_sum", LabelSet(names, values), " ", FormatValue(h.Sum()), "\n");
  absl::StrAppend(out, name, "_count", LabelSet(names, values), " ", cumulative, "\n");
}

template <typename T>
std::unique_ptr<T> MakeSeries(const std::vector<double>&) {
  return std::make_unique<T>();
}
template <>
std::unique_ptr<Histogram> MakeSeries<Histogram>(const std::vector<double>& bounds) {
  return std::make_unique<Histogram>(bounds);
}

}  // namespace

void Gauge::Add(double by) { AtomicAdd(value_, by); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  // The first bound >= v (le is inclusive); past the last: the +Inf bucket.
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

template <typename T>
T& Family<T>::WithLabels(const std::vector<std::string>& values) {
  std::vector<std::string> key(label_names_.size());
  for (size_t i = 0; i < key.size() && i < values.size(); ++i) key[i] = values[i];
  absl::MutexLock lock(&mu_);
  auto& slot = series_[std::move(key)];
  if (!slot) slot = MakeSeries<T>(bounds_);
  return *slot;
}

template <typename T>
void Family<T>::Write(MetricType type, std::string* out) const {
  absl::StrAppend(out, "# HELP ", name_, " ", EscapeHelp(help_), "\n# TYPE ", name_, " ",
                  TypeName(type), "\n");
  absl::MutexLock lock(&mu_);
  for (const auto& [values, series] : series_) WriteSeries(name_, label_names_, values, *series, out);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  for (const auto& e : entries_) {
    if (e->counter && e->counter->name() == name) return *e->counter;
  }
  auto e = std::make_unique<Entry>();
  e->type = MetricType::kCounter;
  e->counter.reset(new Family<Counter>(name, help, std::move(label_names), {}));
  entries_.push_back(std::move(e));
  return *entries_.back()->counter;
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  for (const auto& e : entries_) {
    if (e->gauge && e->gauge->name() == name) return *e->gauge;
  }
  auto e = std::make_unique<Entry>();
  e->type = MetricType::kGauge;
  e->gauge.reset(new Family<Gauge>(name, help, std::move(label_names), {}));
  entries_.push_back(std::move(e));
  return *entries_.back()->gauge;
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  for (const auto& e : entries_) {
    if (e->histogram && e->histogram->name() == name) return *e->histogram;
  }
  auto e = std::make_unique<Entry>();
  e->type = MetricType::kHistogram;
  e->histogram.reset(
      new Family<Histogram>(name, help, std::move(label_names), std::move(bounds)));
  entries_.push_back(std::move(e));
  return *entries_.back()->histogram;
}

std::string Registry::Exposition() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const auto& e : entries_) {
    if (e->counter) e->counter->Write(e->type, &out);
    if (e->gauge) e->gauge->Write(e->type, &out);
    if (e->histogram) e->histogram->Write(e->type, &out);
  }
  return out;
}

Registry& DefaultRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(absl::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  // Prefer the shortest form that reads back the same.
  for (int precision = 1; precision < 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof(shorter), "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

std::vector<double> LatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

}  // namespace ghl::metrics
