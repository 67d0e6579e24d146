#include "tools/ghl-sandbox/fault_injector.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

constexpr double kTwoPi = 6.283185307179586;

struct KindName {
  FaultKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {FaultKind::kLatency, "latency"},
    {FaultKind::k429, "429"},
    {FaultKind::k5xx, "5xx"},
    {FaultKind::kMalformed, "malformed"},
    {FaultKind::kTruncated, "truncated"},
    {FaultKind::kReset, "reset"},
    {FaultKind::kSlow, "slow"},
    {FaultKind::kTokenExpiry, "token-expiry"},
};

// A uniform double in [0, 1) from (seed, request, rule, draw) alone.
double Draw(uint64_t seed, uint64_t request, size_t rule, uint64_t draw) {
  SplitMix64 rng(MixSeed(MixSeed(seed, request), (static_cast<uint64_t>(rule) << 8) | draw));
  return static_cast<double>(rng.Next() >> 11) * (1.0 / 9007199254740992.0);
}

absl::Status Bad(absl::string_view spec, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("fault \"", spec, "\": ", why));
}

bool ParseMs(absl::string_view v, absl::Duration* out) {
  double ms = 0;
  if (!absl::SimpleAtod(v, &ms) || !std::isfinite(ms) || ms < 0 || ms > 3600 * 1000) return false;
  *out = absl::Milliseconds(ms);
  return true;
}

// Applies one key=value of a spec to `rule`.
absl::Status SetKey(absl::string_view spec, absl::string_view key, absl::string_view value,
                    FaultRule* rule) {
  auto bad_value = [&] { return Bad(spec, absl::StrCat("invalid value for ", key, ": ", value)); };
  if (key == "p") {
    double p = 0;
    if (!absl::SimpleAtod(value, &p) || !(p >= 0 && p <= 1)) return bad_value();
    rule->probability = p;
  } else if (key == "every" || key == "after" || key == "until") {
    uint64_t n = 0;
    if (!absl::SimpleAtoi(value, &n) || (key == "every" && n == 0)) return bad_value();
    (key == "every" ? rule->every : key == "after" ? rule->after : rule->until) = n;
  } else if (key == "code" && rule->kind == FaultKind::k5xx) {
    int code = 0;
    if (!absl::SimpleAtoi(value, &code) || code < 500 || code > 599) return bad_value();
    rule->status = code;
  } else if (key == "bps" && rule->kind == FaultKind::kSlow) {
    int64_t bps = 0;
    if (!absl::SimpleAtoi(value, &bps) || bps < 1) return bad_value();
    rule->bytes_per_second = bps;
  } else if (rule->kind == FaultKind::kLatency && key == "dist") {
    if (value == "fixed") {
      rule->distribution = LatencyDistribution::kFixed;
    } else if (value == "uniform") {
      rule->distribution = LatencyDistribution::kUniform;
    } else if (value == "exponential") {
      rule->distribution = LatencyDistribution::kExponential;
    } else if (value == "normal") {
      rule->distribution = LatencyDistribution::kNormal;
    } else {
      return Bad(spec,
                 absl::StrCat("unknown dist ", value, " (fixed, uniform, exponential, normal)"));
    }
  } else if (rule->kind == FaultKind::kLatency &&
             (key == "ms" || key == "mean" || key == "min" || key == "max" || key == "sd")) {
    absl::Duration d;
    if (!ParseMs(value, &d)) return bad_value();
    if (key == "ms" || key == "mean") rule->latency = d;
    if (key == "min") rule->latency_min = d;
    if (key == "max") rule->latency_max = d;
    if (key == "sd") rule->latency_sd = d;
  } else {
    return Bad(spec, absl::StrCat("unknown key ", key, " for ", FaultKindName(rule->kind)));
  }
  return absl::OkStatus();
}

absl::StatusOr<FaultRule> Finish(absl::string_view spec, FaultRule rule, bool has_latency_value) {
  if (rule.kind == FaultKind::kLatency) {
    switch (rule.distribution) {
      case LatencyDistribution::kFixed:
      case LatencyDistribution::kExponential:
        if (!has_latency_value) return Bad(spec, "latency needs ms= (or mean=)");
        break;
      case LatencyDistribution::kUniform:
        if (rule.latency_max < rule.latency_min || rule.latency_max == absl::ZeroDuration()) {
          return Bad(spec, "uniform latency needs min= <= max=");
        }
        break;
      case LatencyDistribution::kNormal:
        if (!has_latency_value) return Bad(spec, "normal latency needs mean= (and sd=)");
        break;
    }
  }
  if (rule.until != 0 && rule.until <= rule.after)
    return Bad(spec, "until= must be greater than after=");
  rule.spec = std::string(spec);
  return rule;
}

std::optional<FaultKind> KindFromName(absl::string_view name) {
  for (const auto& k : kKinds) {
    if (name == k.name) return k.kind;
  }
  return std::nullopt;
}

absl::Duration SampleLatency(const FaultRule& rule, double u1, double u2) {
  switch (rule.distribution) {
    case LatencyDistribution::kFixed:
      return rule.latency;
    case LatencyDistribution::kUniform:
      return rule.latency_min + (rule.latency_max - rule.latency_min) * u1;
    case LatencyDistribution::kExponential:
      return rule.latency * -std::log(1.0 - u1);
    case LatencyDistribution::kNormal: {
      // Box-Muller; u1 in [0,1) so 1-u1 is in (0,1].
      const double z = std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(kTwoPi * u2);
      return std::max(absl::ZeroDuration(), rule.latency + rule.latency_sd * z);
    }
  }
  return absl::ZeroDuration();
}

}  // namespace

const char* FaultKindName(FaultKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";
}

absl::StatusOr<FaultRule> ParseFaultRule(absl::string_view spec) {
  const size_t colon = spec.find(':');
  const absl::string_view name = spec.substr(0, colon);
  const auto kind = KindFromName(name);
  if (!kind) {
    return Bad(spec,
               "unknown kind (latency, 429, 5xx, malformed, truncated, reset, slow, token-expiry)");
  }
  FaultRule rule;
  rule.kind = *kind;
  bool has_latency_value = false;
  if (colon != absl::string_view::npos) {
    for (absl::string_view kv : absl::StrSplit(spec.substr(colon + 1), ',', absl::SkipEmpty())) {
      const size_t eq = kv.find('=');
      if (eq == absl::string_view::npos || eq == 0)
        return Bad(spec, absl::StrCat("expected key=value, got ", kv));
      const absl::string_view key = kv.substr(0, eq);
      if (auto s = SetKey(spec, key, kv.substr(eq + 1), &rule); !s.ok()) return s;
      if (key == "ms" || key == "mean") has_latency_value = true;
    }
  }
  return Finish(spec, std::move(rule), has_latency_value);
}

absl::StatusOr<FaultPlan> ParseFaultPlanJson(absl::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError(
        "the fault plan must be a JSON object {\"seed\", \"faults\"}");
  }
  FaultPlan plan;
  if (auto seed = doc.FindMember("seed"); seed != doc.MemberEnd()) {
    if (!seed->value.IsUint64())
      return absl::InvalidArgumentError("seed must be a non-negative integer");
    plan.seed = seed->value.GetUint64();
  }
  auto faults = doc.FindMember("faults");
  if (faults == doc.MemberEnd()) return plan;
  if (!faults->value.IsArray()) return absl::InvalidArgumentError("faults must be an array");
  int index = 0;
  for (const auto& item : faults->value.GetArray()) {
    ++index;
    std::string spec;
    if (item.IsString()) {
      spec.assign(item.GetString(), item.GetStringLength());
    } else if (item.IsObject()) {
      auto kind = item.FindMember("kind");
      if (kind == item.MemberEnd() || !kind->value.IsString()) {
        return absl::InvalidArgumentError(
            absl::StrCat("faults[", index - 1, "] needs a string kind"));
      }
      std::vector<std::string> keys;
      for (const auto& m : item.GetObject()) {
        const absl::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (key == "kind") continue;
        std::string value;
        if (m.value.IsString()) {
          value.assign(m.value.GetString(), m.value.GetStringLength());
        } else if (m.value.IsNumber()) {
          value = m.value.IsUint64() ? absl::StrCat(m.value.GetUint64())
                                     : absl::StrCat(m.value.GetDouble());
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat("faults[", index - 1, "].", key, " must be a string or a number"));
        }
        keys.push_back(absl::StrCat(key, "=", value));
      }
      spec =
          absl::StrCat(kind->value.GetString(), keys.empty() ? "" : ":", absl::StrJoin(keys, ","));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("faults[", index - 1, "] must be a spec string or an object"));
    }
    auto rule = ParseFaultRule(spec);
    if (!rule.ok()) return rule.status();
    plan.rules.push_back(*std::move(rule));
  }
  return plan;
}

void FaultInjector::SetPlan(FaultPlan plan) {
  std::lock_guard<std::mutex> lock(mu_);
  plan_ = std::move(plan);
  next_ = 0;
  counts_.clear();
}

FaultPlan FaultInjector::Plan() const {
  std::lock_guard<std::mutex> lock(mu_);
  return plan_;
}

std::map<std::string, uint64_t> FaultInjector::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

uint64_t FaultInjector::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_;
}

FaultDecision FaultInjector::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  FaultDecision d;
  d.request_number = ++next_;
  const uint64_t n = d.request_number;
  for (size_t i = 0; i < plan_.rules.size(); ++i) {
    const FaultRule& rule = plan_.rules[i];
    if (rule.after != 0 && n < rule.after) continue;
    if (rule.until != 0 && n >= rule.until) continue;
    if (rule.every != 0 && n % rule.every != 0) continue;
    if (rule.probability < 1.0 && Draw(plan_.seed, n, i, 0) >= rule.probability) continue;
    if (rule.kind == FaultKind::kLatency) {
      d.delay += SampleLatency(rule, Draw(plan_.seed, n, i, 1), Draw(plan_.seed, n, i, 2));
      ++counts_["latency"];
      continue;
    }
    if (d.fault) continue;  // one answer fault per request
    d.fault = rule.kind;
    d.status = rule.status;
    d.bytes_per_second = rule.bytes_per_second;
    ++counts_[FaultKindName(rule.kind)];
  }
  return d;
}

std::string FaultPlanJson(const FaultPlan& plan, const std::map<std::string, uint64_t>& counts,
                          uint64_t requests) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("seed");
  w.Uint64(plan.seed);
  w.Key("faults");
  w.StartArray();
  for (const auto& rule : plan.rules)
    w.String(rule.spec.data(), static_cast<rapidjson::SizeType>(rule.spec.size()));
  w.EndArray();
  w.Key("requests");
  w.Uint64(requests);
  w.Key("counts");
  w.StartObject();
  for (const auto& [kind, count] : counts) {
    w.Key(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
    w.Uint64(count);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace ghl::sandbox
