#include "adapters/ghl/core/metrics.h"

#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ghl::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, CounterWithLabelsIsWrittenWithHelpAndType) {
  Registry r;
  auto& calls = r.AddCounter("x_calls_total", "Calls.", {"method", "code"});
  calls.WithLabels({"/a.B/C", "OK"}).Increment();
  calls.WithLabels({"/a.B/C", "OK"}).Increment(2);
  calls.WithLabels({"/a.B/C", "NOT_FOUND"}).Increment();
  const std::string text = r.Exposition();
  EXPECT_THAT(text, HasSubstr("# HELP x_calls_total Calls.\n# TYPE x_calls_total counter\n"));
  EXPECT_THAT(text, HasSubstr("x_calls_total{method=\"/a.B/C\",code=\"OK\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("x_calls_total{method=\"/a.B/C\",code=\"NOT_FOUND\"} 1\n"));
}

TEST(MetricsTest, SeriesWithoutLabelsHasNoBraces) {
  Registry r;
  r.AddGauge("x_open", "Open.").Get().Set(4);
  r.AddGauge("x_open", "Open.").Get().Decrement();  // the same family
  EXPECT_THAT(r.Exposition(), HasSubstr("\nx_open 3\n"));
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.AddCounter("x_total", "Line one\nback\\slash", {"v"})
      .WithLabels({"a\"b\\c\nd"})
      .Increment();
  const std::string text = r.Exposition();
  EXPECT_THAT(text, HasSubstr("# HELP x_total Line one\\nback\\\\slash\n"));
  EXPECT_THAT(text, HasSubstr("x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"));
  EXPECT_EQ(EscapeLabelValue("plain ünïcode"), "plain ünïcode");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfEqualToCount) {
  Registry r;
  auto& h = r.AddHistogram("x_seconds", "Latency.", {"op"}, {0.1, 1, 0.5});  // unsorted on purpose
  auto& s = h.WithLabels({"get"});
  s.Observe(0.05);
  s.Observe(0.1);  // le is inclusive
  s.Observe(0.3);
  s.Observe(2);
  s.Observe(7);
  const std::string text = r.Exposition();
  EXPECT_THAT(text, HasSubstr("# TYPE x_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{op=\"get\",le=\"0.1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{op=\"get\",le=\"0.5\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{op=\"get\",le=\"1\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{op=\"get\",le=\"+Inf\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_sum{op=\"get\"} 9.45\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_count{op=\"get\"} 5\n"));
  EXPECT_EQ(s.Count(), 5u);
  EXPECT_EQ(s.BucketCount(0), 2u);
  EXPECT_EQ(s.BucketCount(3), 2u);
}

TEST(MetricsTest, UnlabelledHistogramBucketsCarryOnlyLe) {
  Registry r;
  r.AddHistogram("x_h", "H.", {}, {1}).Get().Observe(0.5);
  const std::string text = r.Exposition();
  EXPECT_THAT(text, HasSubstr("x_h_bucket{le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("x_h_bucket{le=\"+Inf\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("x_h_count 1\n"));
}

TEST(MetricsTest, FormatValue) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(-2), "-2");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  Registry r;
  auto& c = r.AddCounter("x_c_total", "C.", {"k"});
  auto& g = r.AddGauge("x_g", "G.");
  auto& h = r.AddHistogram("x_h2", "H.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.WithLabels({t % 2 ? "odd" : "even"}).Increment();
        g.Get().Increment();
        h.Get().Observe(0.5);
        if (i % 1000 == 0) (void)r.Exposition();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.WithLabels({"odd"}).Value() + c.WithLabels({"even"}).Value(), 40000u);
  EXPECT_EQ(g.Get().Value(), 40000);
  EXPECT_EQ(h.Get().Count(), 40000u);
  EXPECT_THAT(r.Exposition(), HasSubstr("x_h2_sum 20000\n"));
  EXPECT_THAT(r.Exposition(), Not(HasSubstr("NaN")));
}

}  // namespace
}  // namespace ghl::metrics
