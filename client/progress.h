// Export progress: the math (rate, percent, ETA), its text forms, and a
// renderer that draws it on stderr.
//
// Why: `ghlctl export` runs for minutes; a user at a terminal wants a live
// bar, a log collector wants an occasional plain line and no control
// characters, and every run ends with one machine-greppable summary line.
// The math is separate from drawing so it is unit-tested with exact numbers.
//
// Rates are averages over the whole export (contacts / elapsed): exports are
// paced by GHL's rate limit, so the average is steady and the ETA does not
// jump. The ETA uses the upstream total of the latest page.
//
// Threading: the free functions are pure. ProgressRenderer is not
// thread-safe (use it from the thread running ExportContacts). Ownership: the
// renderer keeps a reference to its stream, which must outlive it.
#ifndef GHL_CLIENT_PROGRESS_H_
#define GHL_CLIENT_PROGRESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/clock.h"
#include "client/contacts_client.h"

namespace ghl::client {

/// Derived progress numbers.
struct ProgressStats {
  /// Contacts per second over the whole export; 0 while no time has passed.
  double rate = 0;
  /// 0-100, when the total is known (capped at 100: contacts added during
  /// the export can push the count past the first total).
  std::optional<double> percent;
  /// Time left at the current rate, when the total is known and rate > 0
  /// (zero once done >= total).
  std::optional<absl::Duration> eta;
};

/// @param done contacts so far. @param total upstream total, 0 if unknown.
/// @param elapsed time since the export started.
ProgressStats ComputeProgressStats(int64_t done, int64_t total, absl::Duration elapsed);

/// Compact duration for humans: "9s", "3m05s", "1h02m".
std::string FormatShortDuration(absl::Duration duration);

/// The TTY bar line (no "\r", no newline), e.g.
/// "[#######.......] 1200/5000  24%  400 contacts/s  ETA 9s"; without a
/// total: "1200 contacts  12 pages  400 contacts/s".
std::string FormatProgressBar(const ExportProgress& progress, int bar_width);

/// The non-TTY log line (no newline), e.g.
/// "progress: 1200/5000 contacts (24%) in 12 pages, 400 contacts/s, ETA 9s".
std::string FormatProgressLog(const ExportProgress& progress);

/// The end-of-export summary line (no newline), exactly
/// "exported 5000 contacts in 50 pages in 3.2 s (1562 contacts/s) to contacts.jsonl":
/// seconds with one decimal, rate truncated to an integer (0 if no time passed).
std::string FormatExportSummary(int64_t contacts, int64_t pages, absl::Duration elapsed,
                                absl::string_view destination);

/// Draws progress on a stream (normally stderr). See the file comment.
class ProgressRenderer {
 public:
  /// Rendering options.
  struct Options {
    /// The stream is a terminal: redraw one line in place ("\r" + erase).
    bool tty = false;
    /// TTY: minimum time between redraws (keeps fast exports cheap).
    absl::Duration redraw_interval = absl::Milliseconds(100);
    /// Not a TTY: one log line per this interval (no line before it passes).
    absl::Duration log_interval = absl::Seconds(10);
    /// TTY: characters inside the bar's brackets.
    int bar_width = 24;
  };

  /// @param out where to draw; must outlive the renderer.
  /// @param options see Options. @param clock decides when to redraw.
  ProgressRenderer(std::ostream& out, Options options, std::shared_ptr<Clock> clock);

  /// Feeds the latest progress; draws if due. Usable as a ProgressCallback.
  void Update(const ExportProgress& progress);

  /// Ends rendering: on a TTY erases the bar so the caller's next line
  /// starts clean. Idempotent.
  void Finish();

 private:
  std::ostream& out_;
  Options options_;
  std::shared_ptr<Clock> clock_;
  absl::Time last_draw_;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_PROGRESS_H_
