// ghlctl's command line: parsing argv into an Invocation, and the help texts.
//
// Why a hand parser: ghlctl has subcommands with their own flags, repeatable
// flags (--tag, --field, --clear) and global flags accepted before or after
// the subcommand; absl flags are process-global and have no subcommands.
// Parsing is a pure function of (args, environment, stdin) so tests cover it
// without spawning a process.
//
// Syntax: `--flag value` or `--flag=value`; boolean flags take no value.
// Unknown flags, unknown subcommands, stray arguments, a flag given twice
// (unless repeatable) and missing required flags are usage errors.
//
// Threading: pure functions. Ownership: results are values.
#ifndef GHL_CLIENT_GHLCTL_CLI_H_
#define GHL_CLIENT_GHLCTL_CLI_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/contact_writer.h"
#include "ghl/contacts/v1/contact.pb.h"

namespace ghl::client::ghlctl {

/// Process exit codes of ghlctl.
enum ExitCode : int {
  /// Success.
  kExitOk = 0,
  /// The gateway (or the connection to it) returned an error.
  kExitRpcError = 1,
  /// Bad command line: unknown flag or command, missing or invalid value.
  kExitUsage = 2,
  /// A local failure, e.g. the export file cannot be written.
  kExitLocalError = 3,
  /// `ghlctl doctor`: a check failed (the problems are printed).
  kExitCheckFailed = 4,
  /// Stopped by SIGINT/SIGTERM in the middle of work (`ghlctl sync`).
  kExitStopped = 130,
};

/// Subcommands.
enum class Command { kHelp, kGet, kExport, kCreate, kUpdate, kDelete };

/// Default gateway address when neither --gateway nor GHL_GATEWAY is set.
inline constexpr char kDefaultGateway[] = "127.0.0.1:50051";

/// Environment variable naming the gateway.
inline constexpr char kGatewayEnv[] = "GHL_GATEWAY";

/// A parsed command line.
struct Invocation {
  /// The subcommand; kHelp for --help, `help` or `<command> --help`.
  Command command = Command::kHelp;
  /// For kHelp: the command whose help to print (nullopt: general help).
  std::optional<Command> help_for;

  /// Gateway address (HOST:PORT).
  std::string gateway = kDefaultGateway;
  /// Deadline of each unary call.
  absl::Duration timeout = absl::Seconds(30);

  /// --location (all commands).
  std::string location_id;
  /// --id (get, update, delete).
  std::string contact_id;
  /// --fields as proto field paths of Contact (get, export).
  std::vector<std::string> read_mask;

  /// export: --format (or inferred from --out's extension).
  ExportFormat format = ExportFormat::kJsonl;
  /// export: --out.
  std::string out;
  /// export: --page-size, 0 = the gateway's default.
  int32_t page_size = 0;
  /// export: --query.
  std::string query;
  /// export: CSV byte order mark (--bom / --no-bom).
  bool bom = true;
  /// export: --resume (continue the interrupted export to --out).
  bool resume = false;

  /// create/update: the contact built from --json or the field flags.
  ghl::contacts::v1::Contact contact;
  /// update: the update mask (proto field paths), in the order given;
  /// create: the fields given (informational).
  std::vector<std::string> paths;
};

/// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// Parses ghlctl's arguments (without argv[0]).
/// @param args the arguments. @param env environment lookup (GHL_GATEWAY).
/// @param in read by `--json -`.
/// @return the invocation, or INVALID_ARGUMENT with a message for the user
///         (a usage error).
absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args, const EnvLookup& env,
                                     std::istream& in);

/// @return the general help text.
std::string GeneralUsage();

/// @return the help text of one command (kHelp gives the general help).
std::string CommandUsage(Command command);

/// @return the command's name as typed ("get", "export", ...).
std::string CommandName(Command command);

/// Resolves a field name as a user may write it ("first_name", "firstName"
/// or "first-name") to the proto field path of Contact.
/// @return the path, or INVALID_ARGUMENT naming the unknown field.
absl::StatusOr<std::string> ResolveContactField(absl::string_view name);

}  // namespace ghl::client::ghlctl

#endif  // GHL_CLIENT_GHLCTL_CLI_H_
