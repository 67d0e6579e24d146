#include "client/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ghl::client {
namespace {

// Whole contacts per second, truncated: "1562.5/s" is reported as 1562.
int64_t WholeRate(double rate) { return static_cast<int64_t>(std::floor(rate)); }

std::string PercentText(double percent) { return absl::StrCat(static_cast<int>(std::floor(percent)), "%"); }

}  // namespace

ProgressStats ComputeProgressStats(int64_t done, int64_t total, absl::Duration elapsed) {
  ProgressStats stats;
  const double seconds = absl::ToDoubleSeconds(elapsed);
  if (seconds > 0) stats.rate = static_cast<double>(done) / seconds;
  if (total > 0) {
    stats.percent = std::min(100.0, 100.0 * static_cast<double>(done) / static_cast<double>(total));
    if (done >= total) {
      stats.eta = absl::ZeroDuration();
    } else if (stats.rate > 0) {
      stats.eta = absl::Seconds(static_cast<double>(total - done) / stats.rate);
    }
  }
  return stats;
}

std::string FormatShortDuration(absl::Duration duration) {
  // Round up: "ETA 0s" while work remains would be a lie.
  int64_t seconds = absl::ToInt64Seconds(absl::Ceil(std::max(duration, absl::ZeroDuration()), absl::Seconds(1)));
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  return absl::StrFormat("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
}

std::string FormatProgressBar(const ExportProgress& progress, int bar_width) {
  const ProgressStats stats = ComputeProgressStats(progress.contacts, progress.total, progress.elapsed);
  const std::string rate = absl::StrCat(WholeRate(stats.rate), " contacts/s");
  if (!stats.percent.has_value()) {
    return absl::StrCat(progress.contacts, " contacts  ", progress.pages, " pages  ", rate);
  }
  const int width = std::max(bar_width, 1);
  const int filled = std::clamp(static_cast<int>(*stats.percent * width / 100.0), 0, width);
  std::string line = absl::StrCat("[", std::string(filled, '#'), std::string(width - filled, '.'), "] ",
                                  progress.contacts, "/", progress.total, "  ", PercentText(*stats.percent), "  ",
                                  rate);
  if (stats.eta.has_value()) absl::StrAppend(&line, "  ETA ", FormatShortDuration(*stats.eta));
  return line;
}

std::string FormatProgressLog(const ExportProgress& progress) {
  const ProgressStats stats = ComputeProgressStats(progress.contacts, progress.total, progress.elapsed);
  std::string line = absl::StrCat("progress: ", progress.contacts);
  if (progress.total > 0) absl::StrAppend(&line, "/", progress.total);
  absl::StrAppend(&line, " contacts");
  if (stats.percent.has_value()) absl::StrAppend(&line, " (", PercentText(*stats.percent), ")");
  absl::StrAppend(&line, " in ", progress.pages, " pages, ", WholeRate(stats.rate), " contacts/s");
  if (stats.eta.has_value()) absl::StrAppend(&line, ", ETA ", FormatShortDuration(*stats.eta));
  if (progress.reconnects > 0) absl::StrAppend(&line, ", ", progress.reconnects, " reconnects");
  return line;
}

std::string FormatExportSummary(int64_t contacts, int64_t pages, absl::Duration elapsed,
                                absl::string_view destination) {
  const ProgressStats stats = ComputeProgressStats(contacts, 0, elapsed);
  return absl::StrFormat("exported %d contacts in %d pages in %.1f s (%d contacts/s) to %s", contacts, pages,
                         absl::ToDoubleSeconds(elapsed), WholeRate(stats.rate), destination);
}

ProgressRenderer::ProgressRenderer(std::ostream& out, Options options, std::shared_ptr<Clock> clock)
    : out_(out), options_(options), clock_(std::move(clock)), last_draw_(clock_->Now()) {}

void ProgressRenderer::Update(const ExportProgress& progress) {
  if (finished_) return;
  const absl::Time now = clock_->Now();
  if (options_.tty) {
    if (drawn_ && now - last_draw_ < options_.redraw_interval) return;
    // "\r" returns to column 0; "\x1b[K" erases what a longer previous line left.
    out_ << '\r' << FormatProgressBar(progress, options_.bar_width) << "\x1b[K" << std::flush;
  } else {
    if (now - last_draw_ < options_.log_interval) return;
    out_ << FormatProgressLog(progress) << '\n' << std::flush;
  }
  drawn_ = true;
  last_draw_ = now;
}

void ProgressRenderer::Finish() {
  if (finished_) return;
  finished_ = true;
  if (options_.tty && drawn_) out_ << "\r\x1b[K" << std::flush;
}

}  // namespace ghl::client
