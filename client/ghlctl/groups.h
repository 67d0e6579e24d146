// Command groups: ghlctl's commands beyond the contact basics of cli.cc
// (catalog, tasks, notes, tags, search, ...). A group is a top-level name
// with subcommands ("tasks list", "tasks create") or a single command of its
// own ("catalog", "search"), each with its own flags; every group lives in
// its own <group>_commands.cc and is listed once in CommandGroups().
//
// Parsing is pure and complete: ParseGroupArgs checks the flags and builds
// the subcommand's request message (a usage error never reaches a server),
// so tests cover a group's command line without a gateway. Running sends
// that request through the group's client and prints the result.
//
// Syntax, as for the contact commands (cli.h): `--flag value` or
// `--flag=value`; boolean flags take no value; repeatable flags may be given
// again; anything else given twice, unknown flags, stray arguments and
// missing required flags are usage errors. Global flags (--gateway,
// --timeout, -h/--help) may come anywhere. Help: `ghlctl tasks --help`,
// `ghlctl tasks list --help`, `ghlctl help tasks`.
//
// Threading: the registry is immutable; parse functions are pure; a run uses
// the calling thread. Ownership: invocations point into the registry, which
// lives for the whole process.
#ifndef GHL_CLIENT_GHLCTL_GROUPS_H_
#define GHL_CLIENT_GHLCTL_GROUPS_H_

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/ghlctl/cli.h"
#include "client/ghlctl/commands.h"

namespace ghl::client::ghlctl {

/// How a flag takes values.
enum class GroupFlagKind {
  /// `--name VALUE`, at most once.
  kValue,
  /// `--name VALUE`, any number of times.
  kRepeated,
  /// `--name`, no value.
  kBool,
};

/// One flag of a subcommand.
struct GroupFlag {
  /// The name without "--", e.g. "location".
  std::string name;
  /// How it takes values.
  GroupFlagKind kind = GroupFlagKind::kValue;
  /// A usage error when absent (or given empty).
  bool required = false;
};

/// The flags given to a subcommand, in command-line order.
class FlagValues {
 public:
  /// Records one flag (a bool flag's value is "").
  void Add(std::string name, std::string value);
  /// @return true when the flag was given.
  bool Has(absl::string_view name) const;
  /// @return the (first) value of a flag; nullopt when absent.
  std::optional<std::string> Get(absl::string_view name) const;
  /// @return the value of a flag, or `fallback` when absent.
  std::string GetOr(absl::string_view name, absl::string_view fallback = "") const;
  /// @return every value of a (repeatable) flag, in order.
  std::vector<std::string> GetAll(absl::string_view name) const;
  /// @return every flag given, as (name, value), in order.
  const std::vector<std::pair<std::string, std::string>>& entries() const { return values_; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

/// What a running subcommand gets.
struct GroupContext {
  /// The process's streams.
  const Console* console = nullptr;
  /// Clock, progress options, export retry policy.
  const RunOptions* options = nullptr;
  /// Channel to the gateway.
  std::shared_ptr<grpc::Channel> channel;
  /// Deadline of each unary call (--timeout).
  absl::Duration timeout = absl::Seconds(30);
};

/// Builds a subcommand's request from its flags; pure. INVALID_ARGUMENT is a
/// usage error shown to the user.
using RequestBuilder =
    std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(const FlagValues&, std::istream&)>;

/// Sends the request `build` made and prints the result.
/// @return the process exit code (ExitCode).
using RequestRunner = std::function<int(const google::protobuf::Message&, const FlagValues&, const GroupContext&)>;

/// One subcommand ("tasks list"), or a group's only command (name "").
struct Subcommand {
  /// As typed ("list"); empty for a group that is a single command.
  std::string name;
  /// One line for the group's help.
  std::string summary;
  /// The full help text (Usage line, description, flags).
  std::string usage;
  /// The subcommand's flags (global flags are added by the parser).
  std::vector<GroupFlag> flags;
  /// Flags not in `flags` are accepted as `--name VALUE` (repeatable) and
  /// left to `build` to check (e.g. upsert hands the contact field flags to
  /// the create parser of cli.h).
  bool pass_through_flags = false;
  /// See RequestBuilder.
  RequestBuilder build;
  /// See RequestRunner.
  RequestRunner run;
};

/// A top-level command with its subcommands.
struct CommandGroup {
  /// As typed ("tasks").
  std::string name;
  /// One line for `ghlctl --help`.
  std::string summary;
  /// Help of the group (for a single-command group: its only usage).
  std::string usage;
  /// Subcommands; exactly one with an empty name for a single-command group.
  std::vector<Subcommand> subcommands;
};

/// A parsed group command line.
struct GroupInvocation {
  /// The group; never null.
  const CommandGroup* group = nullptr;
  /// The subcommand; null only with `help` for the group itself.
  const Subcommand* subcommand = nullptr;
  /// Print help instead of running.
  bool help = false;
  /// Gateway address (HOST:PORT): --gateway, $GHL_GATEWAY or the default.
  std::string gateway = kDefaultGateway;
  /// Deadline of each unary call.
  absl::Duration timeout = absl::Seconds(30);
  /// The subcommand's flags.
  FlagValues flags;
  /// The request `build` made; null with `help`.
  std::shared_ptr<const google::protobuf::Message> request;
};

/// Makes a Subcommand from typed build/run functions.
template <typename Request>
Subcommand MakeSubcommand(
    std::string name, std::string summary, std::string usage, std::vector<GroupFlag> flags,
    std::function<absl::StatusOr<Request>(const FlagValues&, std::istream&)> build,
    std::function<int(const Request&, const FlagValues&, const GroupContext&)> run) {
  Subcommand command;
  command.name = std::move(name);
  command.summary = std::move(summary);
  command.usage = std::move(usage);
  command.flags = std::move(flags);
  command.build = [build = std::move(build)](const FlagValues& flags, std::istream& in)
      -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
    absl::StatusOr<Request> request = build(flags, in);
    if (!request.ok()) return request.status();
    return std::unique_ptr<google::protobuf::Message>(new Request(*std::move(request)));
  };
  command.run = [run = std::move(run)](const google::protobuf::Message& request, const FlagValues& flags,
                                       const GroupContext& context) {
    // `build` made this message, so its type is Request.
    return run(static_cast<const Request&>(request), flags, context);
  };
  return command;
}

/// @return every group, in the order of the general help.
const std::vector<CommandGroup>& CommandGroups();

/// @return the group named `name`, or null.
const CommandGroup* FindCommandGroup(absl::string_view name);

/// @return the group an argument list (argv without argv[0]) runs or asks
///         help for: its first argument that is neither a flag nor a global
///         flag's value, or the one after "help"; null when that names no
///         group (then it is a contact command of cli.cc).
const CommandGroup* GroupOfArgs(const std::vector<std::string>& args);

/// Parses a group command line (argv without argv[0]); GroupOfArgs(args)
/// must not be null.
/// @param env environment lookup (GHL_GATEWAY). @param in read by builders
///        that accept `-` for stdin.
/// @return the invocation, or INVALID_ARGUMENT with a message for the user.
absl::StatusOr<GroupInvocation> ParseGroupArgs(const std::vector<std::string>& args, const EnvLookup& env,
                                               std::istream& in);

/// @return the help of a group: its usage, then its subcommands.
std::string GroupUsage(const CommandGroup& group);

/// @return one "  name   summary" line per group, for the general help.
std::string GroupSummaries();

/// Runs `args` when they name a group (parse, help, connect, run).
/// @return the exit code, or nullopt when the arguments name no group.
std::optional<int> RunCommandGroup(const std::vector<std::string>& args, const Console& console,
                                   const RunOptions& options);

/// Prints a status as an error (FormatError) on stderr.
/// @return `exit_code`.
int FailWith(const GroupContext& context, const absl::Status& status, int exit_code = kExitRpcError);

// The groups, one per <group>_commands.cc.

/// `ghlctl catalog`: actions and triggers read through server reflection.
CommandGroup MakeCatalogGroup();
CommandGroup MakeKeysGroup();  // keys_commands.cc
CommandGroup MakeAuthGroup();  // keys_commands.cc
/// `ghlctl tasks ...` (tasks_commands.cc).
CommandGroup MakeTasksGroup();
/// `ghlctl notes ...` (notes_commands.cc).
CommandGroup MakeNotesGroup();
/// `ghlctl appointments list` (appointments_commands.cc).
CommandGroup MakeAppointmentsGroup();
/// `ghlctl tags add|remove|bulk` (tags_commands.cc).
CommandGroup MakeTagsGroup();
/// `ghlctl search` (search_commands.cc).
CommandGroup MakeSearchGroup();
/// `ghlctl upsert` (upsert_commands.cc).
CommandGroup MakeUpsertGroup();
/// `ghlctl duplicate` (duplicate_commands.cc).
CommandGroup MakeDuplicateGroup();
/// `ghlctl business list|bulk-add|bulk-remove` (business_commands.cc).
CommandGroup MakeBusinessGroup();
/// `ghlctl followers add|remove` (followers_commands.cc).
CommandGroup MakeFollowersGroup();
/// `ghlctl campaigns add|remove|remove-all` (campaigns_commands.cc).
CommandGroup MakeCampaignsGroup();
/// `ghlctl workflows add|remove` (workflows_commands.cc).
CommandGroup MakeWorkflowsGroup();
/// `ghlctl sync` (sync_commands.cc).
CommandGroup MakeSyncGroup();
/// `ghlctl doctor` (doctor_commands.cc).
CommandGroup MakeDoctorGroup();
/// `ghlctl watch` (watch_commands.cc).
CommandGroup MakeWatchGroup();

}  // namespace ghl::client::ghlctl

#endif  // GHL_CLIENT_GHLCTL_GROUPS_H_
