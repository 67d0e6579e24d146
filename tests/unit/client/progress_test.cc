#include "client/progress.h"

#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/client/fake_clock.h"

namespace ghl::client {
namespace {

using ::ghl::client::testing::FakeClock;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ComputeProgressStatsTest, RatePercentAndEta) {
  ProgressStats stats = ComputeProgressStats(2500, 10000, absl::Seconds(5));
  EXPECT_DOUBLE_EQ(stats.rate, 500);
  ASSERT_TRUE(stats.percent.has_value());
  EXPECT_DOUBLE_EQ(*stats.percent, 25);
  ASSERT_TRUE(stats.eta.has_value());
  EXPECT_EQ(*stats.eta, absl::Seconds(15));
}

TEST(ComputeProgressStatsTest, NoTimeNoRateNoEta) {
  ProgressStats stats = ComputeProgressStats(100, 1000, absl::ZeroDuration());
  EXPECT_EQ(stats.rate, 0);
  EXPECT_DOUBLE_EQ(*stats.percent, 10);
  EXPECT_FALSE(stats.eta.has_value());
}

TEST(ComputeProgressStatsTest, UnknownTotal) {
  ProgressStats stats = ComputeProgressStats(100, 0, absl::Seconds(2));
  EXPECT_DOUBLE_EQ(stats.rate, 50);
  EXPECT_FALSE(stats.percent.has_value());
  EXPECT_FALSE(stats.eta.has_value());
}

TEST(ComputeProgressStatsTest, PastTheTotalIsCappedAndDone) {
  // Contacts created during the export can push the count past the total.
  ProgressStats stats = ComputeProgressStats(1010, 1000, absl::Seconds(10));
  EXPECT_DOUBLE_EQ(*stats.percent, 100);
  EXPECT_EQ(*stats.eta, absl::ZeroDuration());
}

TEST(FormatShortDurationTest, Forms) {
  EXPECT_EQ(FormatShortDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(FormatShortDuration(absl::Milliseconds(100)), "1s");  // rounded up
  EXPECT_EQ(FormatShortDuration(absl::Seconds(9)), "9s");
  EXPECT_EQ(FormatShortDuration(absl::Seconds(185)), "3m05s");
  EXPECT_EQ(FormatShortDuration(absl::Seconds(3720)), "1h02m");
  EXPECT_EQ(FormatShortDuration(absl::Seconds(-3)), "0s");
}

TEST(FormatExportSummaryTest, ExactForm) {
  EXPECT_EQ(FormatExportSummary(5000, 50, absl::Milliseconds(3200), "contacts.jsonl"),
            "exported 5000 contacts in 50 pages in 3.2 s (1562 contacts/s) to contacts.jsonl");
  EXPECT_EQ(FormatExportSummary(0, 1, absl::ZeroDuration(), "out.csv"),
            "exported 0 contacts in 1 pages in 0.0 s (0 contacts/s) to out.csv");
}

ExportProgress Progress(int64_t contacts, int64_t pages, int64_t total, absl::Duration elapsed) {
  ExportProgress progress;
  progress.contacts = contacts;
  progress.pages = pages;
  progress.total = total;
  progress.elapsed = elapsed;
  return progress;
}

TEST(FormatProgressTest, BarWithTotal) {
  EXPECT_EQ(FormatProgressBar(Progress(1200, 12, 5000, absl::Seconds(3)), 10),
            "[##........] 1200/5000  24%  400 contacts/s  ETA 10s");
  EXPECT_EQ(FormatProgressBar(Progress(5000, 50, 5000, absl::Seconds(10)), 4),
            "[####] 5000/5000  100%  500 contacts/s  ETA 0s");
}

TEST(FormatProgressTest, BarWithoutTotal) {
  EXPECT_EQ(FormatProgressBar(Progress(300, 3, 0, absl::Seconds(2)), 10), "300 contacts  3 pages  150 contacts/s");
}

TEST(FormatProgressTest, LogLine) {
  ExportProgress progress = Progress(1200, 12, 5000, absl::Seconds(3));
  EXPECT_EQ(FormatProgressLog(progress), "progress: 1200/5000 contacts (24%) in 12 pages, 400 contacts/s, ETA 10s");
  progress.reconnects = 2;
  EXPECT_THAT(FormatProgressLog(progress), HasSubstr(", 2 reconnects"));
}

TEST(ProgressRendererTest, TtyRedrawsInPlaceAtMostEveryInterval) {
  auto clock = std::make_shared<FakeClock>();
  std::ostringstream out;
  ProgressRenderer::Options options;
  options.tty = true;
  options.bar_width = 4;
  ProgressRenderer renderer(out, options, clock);
  renderer.Update(Progress(100, 1, 400, absl::Seconds(1)));
  renderer.Update(Progress(200, 2, 400, absl::Seconds(1)));  // too soon: skipped
  clock->Advance(absl::Milliseconds(100));
  renderer.Update(Progress(300, 3, 400, absl::Seconds(2)));
  renderer.Finish();
  renderer.Finish();
  EXPECT_EQ(out.str(),
            "\r[#...] 100/400  25%  100 contacts/s  ETA 3s\x1b[K"
            "\r[###.] 300/400  75%  150 contacts/s  ETA 1s\x1b[K"
            "\r\x1b[K");
  EXPECT_THAT(out.str(), Not(HasSubstr("\n")));
}

TEST(ProgressRendererTest, NonTtyPrintsAPlainLineEveryInterval) {
  auto clock = std::make_shared<FakeClock>();
  std::ostringstream out;
  ProgressRenderer::Options options;
  options.log_interval = absl::Seconds(10);
  ProgressRenderer renderer(out, options, clock);
  renderer.Update(Progress(100, 1, 0, absl::Seconds(1)));  // before the first interval: nothing
  clock->Advance(absl::Seconds(10));
  renderer.Update(Progress(1000, 10, 0, absl::Seconds(10)));
  clock->Advance(absl::Seconds(5));
  renderer.Update(Progress(1500, 15, 0, absl::Seconds(15)));
  renderer.Finish();
  EXPECT_EQ(out.str(), "progress: 1000 contacts in 10 pages, 100 contacts/s\n");
  EXPECT_THAT(out.str(), Not(HasSubstr("\r")));
  EXPECT_THAT(out.str(), Not(HasSubstr("\x1b")));
}

}  // namespace
}  // namespace ghl::client
