// `ghlctl tasks list|get|create|update|complete|delete`: a contact's tasks
// (TasksService). Results print as GHL's JSON for tasks.
#include <google/protobuf/empty.pb.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/resource_mapping.h"
#include "client/ghlctl/group_util.h"
#include "client/resource_clients.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kTasksUsage[] = R"(Usage: ghlctl tasks <command> --location L --contact C [flags]

A contact's tasks. Results print as GHL's JSON for tasks.
)";

TasksClient Client(const GroupContext& context) {
  return TasksClient(v1::TasksService::NewStub(context.channel), ClientOptionsOf(context));
}

int PrintTask(const GroupContext& context, const absl::StatusOr<v1::Task>& task) {
  if (!task.ok()) return FailWith(context, task.status());
  *context.console->out << MessageJson(ghl::contacts::TaskJson(), *task) << std::flush;
  return kExitOk;
}

// The task fields given as flags, and the update mask they make.
absl::Status ApplyTaskFlags(const FlagValues& flags, v1::Task* task, google::protobuf::FieldMask* mask) {
  auto add = [mask](const char* path) {
    if (mask != nullptr) mask->add_paths(path);
  };
  if (std::optional<std::string> title = flags.Get("title")) {
    task->set_title(*title);
    add("title");
  }
  if (std::optional<std::string> body = flags.Get("body")) {
    task->set_body(*body);
    add("body");
  }
  if (std::optional<std::string> assignee = flags.Get("assigned-to")) {
    task->set_assigned_to(*assignee);
    add("assigned_to");
  }
  if (std::optional<std::string> due = flags.Get("due")) {
    absl::StatusOr<google::protobuf::Timestamp> time = ParseTimeFlag("due", *due);
    if (!time.ok()) return time.status();
    *task->mutable_due_date() = *time;
    add("due_date");
  }
  if (std::optional<std::string> completed = flags.Get("completed")) {
    absl::StatusOr<bool> value = ParseBoolFlag("completed", *completed);
    if (!value.ok()) return value.status();
    task->set_completed(*value);
    add("completed");
  }
  return absl::OkStatus();
}

std::vector<GroupFlag> TaskIdFlags() { return {LocationFlag(), ContactFlag(), {"task", GroupFlagKind::kValue, true}}; }

std::vector<GroupFlag> TaskFieldFlags(std::vector<GroupFlag> flags, bool create) {
  flags.push_back({"title", GroupFlagKind::kValue, create});
  flags.push_back({"due", GroupFlagKind::kValue, create});
  flags.push_back({"body", GroupFlagKind::kValue});
  flags.push_back({"assigned-to", GroupFlagKind::kValue});
  flags.push_back({"completed", GroupFlagKind::kValue});
  return flags;
}

constexpr char kTaskFieldHelp[] = R"(  --title TEXT        Task title.
  --due TIME          Due date-time, RFC 3339 (2024-05-01T15:00:00Z).
  --body TEXT         Description.
  --assigned-to USER  GHL user id.
  --completed BOOL    true or false.
)";

}  // namespace

CommandGroup MakeTasksGroup() {
  CommandGroup group;
  group.name = "tasks";
  group.summary = "A contact's tasks: list, get, create, update, complete, delete.";
  group.usage = kTasksUsage;

  group.subcommands.push_back(MakeSubcommand<v1::ListTasksRequest>(
      "list", "Print the contact's tasks ({\"tasks\": [...]}).",
      "Usage: ghlctl tasks list --location L --contact C\n\nPrints the contact's tasks as {\"tasks\": [...]}.\n",
      {LocationFlag(), ContactFlag()},
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::ListTasksRequest> {
        return ContactScoped<v1::ListTasksRequest>(flags);
      },
      [](const v1::ListTasksRequest& request, const FlagValues&, const GroupContext& context) {
        absl::StatusOr<v1::ListTasksResponse> tasks = Client(context).ListTasks(request);
        if (!tasks.ok()) return FailWith(context, tasks.status());
        *context.console->out << ListJson(ghl::contacts::TaskJson(), "tasks", tasks->tasks()) << std::flush;
        return static_cast<int>(kExitOk);
      }));

  group.subcommands.push_back(MakeSubcommand<v1::GetTaskRequest>(
      "get", "Print one task.", "Usage: ghlctl tasks get --location L --contact C --task T\n\nPrints one task.\n",
      TaskIdFlags(),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::GetTaskRequest> {
        v1::GetTaskRequest request = ContactScoped<v1::GetTaskRequest>(flags);
        request.set_task_id(flags.GetOr("task"));
        return request;
      },
      [](const v1::GetTaskRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintTask(context, Client(context).GetTask(request));
      }));

  group.subcommands.push_back(MakeSubcommand<v1::CreateTaskRequest>(
      "create", "Create a task and print it.",
      absl::StrCat("Usage: ghlctl tasks create --location L --contact C --title TEXT --due TIME [flags]\n\n"
                   "Creates a task and prints it. Not retried: a create that may have reached\nGHL is never sent "
                   "twice.\n\nFlags:\n",
                   kTaskFieldHelp),
      TaskFieldFlags({LocationFlag(), ContactFlag()}, /*create=*/true),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::CreateTaskRequest> {
        v1::CreateTaskRequest request = ContactScoped<v1::CreateTaskRequest>(flags);
        absl::Status status = ApplyTaskFlags(flags, request.mutable_task(), nullptr);
        if (!status.ok()) return status;
        return request;
      },
      [](const v1::CreateTaskRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintTask(context, Client(context).CreateTask(request));
      }));

  group.subcommands.push_back(MakeSubcommand<v1::UpdateTaskRequest>(
      "update", "Update the given fields of a task and print it.",
      absl::StrCat("Usage: ghlctl tasks update --location L --contact C --task T [field flags]\n\n"
                   "Updates exactly the fields given (at least one) and prints the task.\n\nFlags:\n",
                   kTaskFieldHelp),
      TaskFieldFlags(TaskIdFlags(), /*create=*/false),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::UpdateTaskRequest> {
        v1::UpdateTaskRequest request = ContactScoped<v1::UpdateTaskRequest>(flags);
        request.mutable_task()->set_id(flags.GetOr("task"));
        absl::Status status = ApplyTaskFlags(flags, request.mutable_task(), request.mutable_update_mask());
        if (!status.ok()) return status;
        if (request.update_mask().paths_size() == 0) {
          return absl::InvalidArgumentError("give at least one of --title, --due, --body, --assigned-to, --completed");
        }
        return request;
      },
      [](const v1::UpdateTaskRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintTask(context, Client(context).UpdateTask(request));
      }));

  group.subcommands.push_back(MakeSubcommand<v1::SetTaskCompletedRequest>(
      "complete", "Mark a task completed (--undo: not completed) and print it.",
      "Usage: ghlctl tasks complete --location L --contact C --task T [--undo]\n\n"
      "Marks the task completed and prints it.\n\nFlags:\n  --undo   Mark it not completed instead.\n",
      [] {
        std::vector<GroupFlag> flags = TaskIdFlags();
        flags.push_back({"undo", GroupFlagKind::kBool});
        return flags;
      }(),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::SetTaskCompletedRequest> {
        v1::SetTaskCompletedRequest request = ContactScoped<v1::SetTaskCompletedRequest>(flags);
        request.set_task_id(flags.GetOr("task"));
        request.set_completed(!flags.Has("undo"));
        return request;
      },
      [](const v1::SetTaskCompletedRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintTask(context, Client(context).SetTaskCompleted(request));
      }));

  group.subcommands.push_back(MakeSubcommand<v1::DeleteTaskRequest>(
      "delete", "Delete a task.",
      "Usage: ghlctl tasks delete --location L --contact C --task T\n\nDeletes a task and prints \"deleted task "
      "T\".\n",
      TaskIdFlags(),
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::DeleteTaskRequest> {
        v1::DeleteTaskRequest request = ContactScoped<v1::DeleteTaskRequest>(flags);
        request.set_task_id(flags.GetOr("task"));
        return request;
      },
      [](const v1::DeleteTaskRequest& request, const FlagValues&, const GroupContext& context) {
        return PrintDone(context, Client(context).DeleteTask(request), "deleted task " + request.task_id());
      }));
  return group;
}

}  // namespace ghl::client::ghlctl
