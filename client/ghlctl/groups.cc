#include "client/ghlctl/groups.h"

#include "client/channel.h"

#include <algorithm>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ghl::client::ghlctl {
namespace {

const std::vector<GroupFlag>& GlobalFlags() {
  static const std::vector<GroupFlag>* const kFlags =
      new std::vector<GroupFlag>{{"gateway", GroupFlagKind::kValue}, {"timeout", GroupFlagKind::kValue}};
  return *kFlags;
}

absl::Status UsageError(absl::string_view message) { return absl::InvalidArgumentError(message); }

const GroupFlag* FindGroupFlag(const std::vector<GroupFlag>& flags, absl::string_view name) {
  for (const GroupFlag& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

const GroupFlag* FindGlobalFlag(absl::string_view name) { return FindGroupFlag(GlobalFlags(), name); }

bool IsSingleCommand(const CommandGroup& group) {
  return group.subcommands.size() == 1 && group.subcommands[0].name.empty();
}

std::string SubcommandNames(const CommandGroup& group) {
  std::vector<std::string> names;
  for (const Subcommand& sub : group.subcommands) names.push_back(sub.name);
  return absl::StrJoin(names, ", ");
}

std::string Label(const CommandGroup& group, const Subcommand* sub) {
  return sub == nullptr || sub->name.empty() ? absl::StrCat("ghlctl ", group.name)
                                             : absl::StrCat("ghlctl ", group.name, " ", sub->name);
}

// Same forms as the contact commands' --timeout: "30s", "500ms", "2m" or
// plain seconds.
absl::StatusOr<absl::Duration> ParseGroupTimeout(absl::string_view text) {
  absl::Duration duration;
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds)) {
    duration = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &duration)) {
    return UsageError(absl::StrCat("--timeout: '", text, "' is not a duration (e.g. 30s, 500ms, 2m)"));
  }
  if (duration <= absl::ZeroDuration()) return UsageError("--timeout must be positive");
  return duration;
}

}  // namespace

void FlagValues::Add(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }

bool FlagValues::Has(absl::string_view name) const {
  return std::any_of(values_.begin(), values_.end(), [&](const auto& v) { return v.first == name; });
}

std::optional<std::string> FlagValues::Get(absl::string_view name) const {
  for (const auto& [flag, value] : values_) {
    if (flag == name) return value;
  }
  return std::nullopt;
}

std::string FlagValues::GetOr(absl::string_view name, absl::string_view fallback) const {
  std::optional<std::string> value = Get(name);
  return value.has_value() ? *value : std::string(fallback);
}

std::vector<std::string> FlagValues::GetAll(absl::string_view name) const {
  std::vector<std::string> all;
  for (const auto& [flag, value] : values_) {
    if (flag == name) all.push_back(value);
  }
  return all;
}

const std::vector<CommandGroup>& CommandGroups() {
  static const std::vector<CommandGroup>* const kGroups = new std::vector<CommandGroup>{
      MakeCatalogGroup(),  MakeTasksGroup(),     MakeNotesGroup(),    MakeAppointmentsGroup(),
      MakeTagsGroup(),     MakeSearchGroup(),    MakeUpsertGroup(),   MakeDuplicateGroup(),
      MakeBusinessGroup(), MakeFollowersGroup(), MakeCampaignsGroup(), MakeWorkflowsGroup(),
      MakeKeysGroup(),     MakeAuthGroup(),      MakeSyncGroup(),      MakeDoctorGroup(),
      MakeWatchGroup(),
  };
  return *kGroups;
}

const CommandGroup* FindCommandGroup(absl::string_view name) {
  for (const CommandGroup& group : CommandGroups()) {
    if (group.name == name) return &group;
  }
  return nullptr;
}

const CommandGroup* GroupOfArgs(const std::vector<std::string>& args) {
  bool after_help = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (absl::StartsWith(arg, "-")) {
      // A global flag's value is not a command name.
      if (absl::StartsWith(arg, "--") && arg.find('=') == std::string::npos && FindGlobalFlag(arg.substr(2)) != nullptr) {
        ++i;
      }
      continue;
    }
    if (arg == "help" && !after_help) {
      after_help = true;
      continue;
    }
    return FindCommandGroup(arg);
  }
  return nullptr;
}

absl::StatusOr<GroupInvocation> ParseGroupArgs(const std::vector<std::string>& args, const EnvLookup& env,
                                               std::istream& in) {
  GroupInvocation invocation;
  const CommandGroup* group = nullptr;
  const Subcommand* sub = nullptr;
  FlagValues globals;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      invocation.help = true;
      continue;
    }
    if (absl::StartsWith(arg, "--") && arg.size() > 2) {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const GroupFlag* spec = FindGlobalFlag(name);
      const bool global = spec != nullptr;
      if (spec == nullptr && sub != nullptr) spec = FindGroupFlag(sub->flags, name);
      static const GroupFlag kPassThrough{"", GroupFlagKind::kRepeated};
      if (spec == nullptr && sub != nullptr && sub->pass_through_flags) spec = &kPassThrough;
      if (spec == nullptr) {
        if (group != nullptr && sub == nullptr) {
          for (const Subcommand& candidate : group->subcommands) {
            if (FindGroupFlag(candidate.flags, name) != nullptr) {
              return UsageError(absl::StrCat("--", name, " must come after the subcommand (e.g. ghlctl ", group->name,
                                             " ", candidate.name, " --", name, " ...)"));
            }
          }
        }
        return UsageError(group == nullptr ? absl::StrCat("unknown flag '--", name, "'")
                                           : absl::StrCat("unknown flag '--", name, "' for '", Label(*group, sub), "'"));
      }
      std::string value;
      if (spec->kind == GroupFlagKind::kBool) {
        if (eq != std::string::npos) return UsageError(absl::StrCat("--", name, " takes no value"));
      } else if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return UsageError(absl::StrCat("--", name, " needs a value"));
      }
      FlagValues& target = global ? globals : invocation.flags;
      if (spec->kind != GroupFlagKind::kRepeated && target.Has(name)) {
        return UsageError(absl::StrCat("--", name, " given more than once"));
      }
      target.Add(name, std::move(value));
      continue;
    }
    if (absl::StartsWith(arg, "-") && arg != "-") return UsageError(absl::StrCat("unknown flag '", arg, "'"));
    if (group == nullptr) {
      if (arg == "help" && !invocation.help) {
        invocation.help = true;
        continue;
      }
      group = FindCommandGroup(arg);
      if (group == nullptr) return UsageError(absl::StrCat("unknown command '", arg, "'"));
      if (IsSingleCommand(*group)) sub = &group->subcommands[0];
      continue;
    }
    if (sub == nullptr) {
      for (const Subcommand& candidate : group->subcommands) {
        if (candidate.name == arg) sub = &candidate;
      }
      if (sub == nullptr) {
        return UsageError(absl::StrCat("ghlctl ", group->name, ": unknown subcommand '", arg, "' (one of ",
                                       SubcommandNames(*group), ")"));
      }
      continue;
    }
    return UsageError(absl::StrCat("unexpected argument '", arg, "' for '", Label(*group, sub), "'"));
  }

  if (group == nullptr) return UsageError("no command given");
  invocation.group = group;
  invocation.subcommand = sub;
  if (invocation.help) return invocation;
  if (sub == nullptr) {
    return UsageError(absl::StrCat("ghlctl ", group->name, ": missing subcommand (one of ", SubcommandNames(*group),
                                   ")"));
  }

  if (std::optional<std::string> gateway = globals.Get("gateway")) {
    if (gateway->empty()) return UsageError("--gateway must not be empty");
    invocation.gateway = *gateway;
  } else if (std::optional<std::string> from_env = env ? env(kGatewayEnv) : std::nullopt;
             from_env.has_value() && !from_env->empty()) {
    invocation.gateway = *from_env;
  }
  if (std::optional<std::string> timeout = globals.Get("timeout")) {
    absl::StatusOr<absl::Duration> parsed = ParseGroupTimeout(*timeout);
    if (!parsed.ok()) return parsed.status();
    invocation.timeout = *parsed;
  }
  for (const GroupFlag& flag : sub->flags) {
    if (flag.required && invocation.flags.GetOr(flag.name).empty()) {
      return UsageError(absl::StrCat(Label(*group, sub), ": --", flag.name, " is required"));
    }
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> request = sub->build(invocation.flags, in);
  if (!request.ok()) {
    return UsageError(absl::StrCat(Label(*group, sub), ": ", request.status().message()));
  }
  invocation.request = *std::move(request);
  return invocation;
}

std::string GroupUsage(const CommandGroup& group) {
  if (IsSingleCommand(group)) return group.subcommands[0].usage;
  size_t width = 0;
  for (const Subcommand& sub : group.subcommands) width = std::max(width, sub.name.size());
  std::string text = absl::StrCat(group.usage, "\nCommands:\n");
  for (const Subcommand& sub : group.subcommands) {
    absl::StrAppend(&text, "  ", sub.name, std::string(width - sub.name.size() + 3, ' '), sub.summary, "\n");
  }
  absl::StrAppend(&text, "\nRun 'ghlctl ", group.name, " <command> --help' for a command's flags.\n");
  return text;
}

std::string GroupSummaries() {
  std::string text;
  for (const CommandGroup& group : CommandGroups()) {
    absl::StrAppend(&text, "  ", group.name, std::string(group.name.size() < 13 ? 13 - group.name.size() : 1, ' '),
                    group.summary, "\n");
  }
  return text;
}

int FailWith(const GroupContext& context, const absl::Status& status, int exit_code) {
  *context.console->err << FormatError(status) << '\n' << std::flush;
  return exit_code;
}

std::optional<int> RunCommandGroup(const std::vector<std::string>& args, const Console& console,
                                   const RunOptions& options) {
  const CommandGroup* group = GroupOfArgs(args);
  if (group == nullptr) return std::nullopt;
  absl::StatusOr<GroupInvocation> invocation = ParseGroupArgs(args, options.env, *console.in);
  if (!invocation.ok()) {
    *console.err << FormatError(invocation.status()) << '\n'
                 << "Run 'ghlctl " << group->name << " --help' for usage.\n";
    return kExitUsage;
  }
  if (invocation->help) {
    const Subcommand* sub = invocation->subcommand;
    *console.out << (sub != nullptr && !sub->name.empty() ? sub->usage : GroupUsage(*group)) << std::flush;
    return kExitOk;
  }
  GroupContext context;
  context.console = &console;
  context.options = &options;
  context.channel = ghl::client::NewGatewayChannel(invocation->gateway);
  context.timeout = invocation->timeout;
  return invocation->subcommand->run(*invocation->request, invocation->flags, context);
}

}  // namespace ghl::client::ghlctl
