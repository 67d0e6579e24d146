// ghlctl's commands: runs a parsed Invocation against the gateway.
//
// What: Run() is all of ghlctl except argv/environment/terminal access
// (main.cc): parse, help, connect, call, print, choose the exit code.
// Execute() runs one parsed invocation on a given ContactsClient.
//
// Why: tests run every command in-process against a fake gateway, with
// string streams for stdin/stdout/stderr and a fake clock.
//
// Output rules: results (contact JSON, "deleted contact C", the export
// summary line) go to `out`; errors, usage errors and export progress go to
// `err`, errors as "error: <gRPC code name>: <message>".
//
// Threading: one call at a time per Console. Ownership: the Console's streams
// are borrowed and must outlive the call.
#ifndef GHL_CLIENT_GHLCTL_COMMANDS_H_
#define GHL_CLIENT_GHLCTL_COMMANDS_H_

#include <atomic>
#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/clock.h"
#include "client/contacts_client.h"
#include "client/ghlctl/cli.h"
#include "client/progress.h"

namespace ghl::client::ghlctl {

/// The process's standard streams.
struct Console {
  /// stdin (read by --json -).
  std::istream* in;
  /// stdout.
  std::ostream* out;
  /// stderr.
  std::ostream* err;
  /// stderr is a terminal: draw the export progress bar.
  bool err_is_tty = false;
};

/// Process-level dependencies of Run.
struct RunOptions {
  /// Time source for progress, backoff and the summary; must not be null.
  std::shared_ptr<Clock> clock;
  /// Environment lookup (GHL_GATEWAY).
  EnvLookup env;
  /// Progress rendering; `tty` is taken from Console::err_is_tty.
  ProgressRenderer::Options progress;
  /// Reconnect policy of export.
  ExportRetryPolicy export_retry;
  /// Wall clock for timestamps compared with GHL's (sync's cursor); null:
  /// the system's.
  WallClock wall_clock;
  /// Called by long-running commands (sync) that stop cleanly: installs
  /// SIGINT/SIGTERM handlers and returns the flag they set. Null: no
  /// handlers (the signals keep their default effect).
  std::function<const std::atomic<bool>*()> catch_stop_signals;
};

/// Runs ghlctl with `args` (argv without argv[0]).
/// @return the process exit code (ExitCode).
int Run(const std::vector<std::string>& args, const Console& console, const RunOptions& options);

/// Runs one parsed, non-help invocation on `client`.
/// @return the process exit code (ExitCode).
int Execute(const Invocation& invocation, const ContactsClient& client, const Console& console,
            const RunOptions& options);

/// @return "error: <CODE>: <message>" for a non-OK status.
std::string FormatError(const absl::Status& status);

/// @return the contact as pretty-printed GHL JSON (2-space indent, UTF-8),
///         ending in a newline.
std::string FormatContactJson(const ghl::contacts::v1::Contact& contact);

}  // namespace ghl::client::ghlctl

#endif  // GHL_CLIENT_GHLCTL_COMMANDS_H_
