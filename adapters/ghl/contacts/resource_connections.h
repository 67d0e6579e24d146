// The connections of a contact's tasks, notes, appointments and tags: the
// retry loop over TasksStub, NotesStub, AppointmentsStub and TagsStub, with
// ContactsConnection's rules and ConnectionOptions:
// - reads (list/get tasks and notes, a contact's appointments) retry
//   transient failures (UNAVAILABLE: 408, 429, 5xx, transport) with
//   jittered exponential backoff, and stop early once `cancelled` says the
//   caller has gone;
// - writes (create, update, complete, delete, add/remove tags, bulk tags)
//   are not idempotent: they retry only when GHL surely did not act (never
//   sent, or a 429), so a write is never applied twice, and a failure after
//   GHL may have acted says so (write_policy.h).
//
// Thread-safety: every connection is safe for concurrent use if its stub is.
// The clock in ConnectionOptions must outlive the connection.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_RESOURCE_CONNECTIONS_H_
#define GHL_ADAPTERS_GHL_CONTACTS_RESOURCE_CONNECTIONS_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/ghl/contacts/appointments_stub.h"
#include "adapters/ghl/contacts/contacts_connection.h"
#include "adapters/ghl/contacts/notes_stub.h"
#include "adapters/ghl/contacts/tags_stub.h"
#include "adapters/ghl/contacts/tasks_stub.h"
#include "adapters/ghl/contacts/write_policy.h"

namespace ghl::contacts {

/// Runs stub calls under ConnectionOptions' retry policy.
class RetryRunner {
 public:
  explicit RetryRunner(ConnectionOptions options);

  /// An idempotent call: retried on transient failures until the policy is
  /// spent or `cancelled` returns true.
  template <typename T>
  absl::StatusOr<T> Read(const std::function<absl::StatusOr<T>(const CallOptions&)>& call,
                         const CancelFn& cancelled) const {
    return Run<T>(Idempotency::kIdempotent, call, cancelled);
  }

  /// A non-idempotent call (see write_policy.h): retried only if GHL surely
  /// did not act on it (never sent, or a 429); a failure after GHL may have
  /// acted says so, naming `operation` (e.g. "the note creation").
  template <typename T>
  absl::StatusOr<T> Write(const char* operation, bool multi_target,
                          const std::function<absl::StatusOr<T>(const CallOptions&)>& call) const {
    auto result = Run<T>(
        Idempotency::kNonIdempotent,
        [&](const CallOptions& options) -> absl::StatusOr<T> {
          auto r = call(options);
          if (!r.ok()) return NotSentIfRateLimited(r.status());
          return r;
        },
        nullptr);
    if (result.ok()) return result;
    return SayMayHaveApplied(result.status(), operation, multi_target);
  }

  /// Write for a call without a result.
  absl::Status WriteStatus(const char* operation,
                           const std::function<absl::Status(const CallOptions&)>& call) const;

 private:
  template <typename T>
  absl::StatusOr<T> Run(Idempotency idempotency,
                        const std::function<absl::StatusOr<T>(const CallOptions&)>& call,
                        const CancelFn& cancelled) const {
    const CallOptions options{options_.call_timeout};
    ExponentialBackoff backoff(options_.initial_backoff, options_.max_backoff,
                               options_.backoff_multiplier, options_.jitter);
    return RetryLoop<T>(
        options_.retry, std::move(backoff), idempotency, *options_.clock,
        [&] { return call(options); }, cancelled);
  }

  ConnectionOptions options_;
};

/// Retry over TasksStub.
class TasksConnection {
 public:
  TasksConnection(std::shared_ptr<TasksStub> stub, ConnectionOptions options);
  absl::StatusOr<ghl::contacts::v1::ListTasksResponse> ListTasks(
      const ghl::contacts::v1::ListTasksRequest& request, const CancelFn& cancelled = nullptr);
  absl::StatusOr<ghl::contacts::v1::Task> GetTask(const ghl::contacts::v1::GetTaskRequest& request,
                                                  const CancelFn& cancelled = nullptr);
  absl::StatusOr<ghl::contacts::v1::Task> CreateTask(
      const ghl::contacts::v1::CreateTaskRequest& request);
  absl::StatusOr<ghl::contacts::v1::Task> UpdateTask(
      const ghl::contacts::v1::UpdateTaskRequest& request);
  absl::StatusOr<ghl::contacts::v1::Task> SetTaskCompleted(
      const ghl::contacts::v1::SetTaskCompletedRequest& request);
  absl::Status DeleteTask(const ghl::contacts::v1::DeleteTaskRequest& request);

 private:
  std::shared_ptr<TasksStub> stub_;
  RetryRunner retry_;
};

/// Retry over NotesStub.
class NotesConnection {
 public:
  NotesConnection(std::shared_ptr<NotesStub> stub, ConnectionOptions options);
  absl::StatusOr<ghl::contacts::v1::ListNotesResponse> ListNotes(
      const ghl::contacts::v1::ListNotesRequest& request, const CancelFn& cancelled = nullptr);
  absl::StatusOr<ghl::contacts::v1::Note> GetNote(const ghl::contacts::v1::GetNoteRequest& request,
                                                  const CancelFn& cancelled = nullptr);
  absl::StatusOr<ghl::contacts::v1::Note> CreateNote(
      const ghl::contacts::v1::CreateNoteRequest& request);
  absl::StatusOr<ghl::contacts::v1::Note> UpdateNote(
      const ghl::contacts::v1::UpdateNoteRequest& request);
  absl::Status DeleteNote(const ghl::contacts::v1::DeleteNoteRequest& request);

 private:
  std::shared_ptr<NotesStub> stub_;
  RetryRunner retry_;
};

/// Retry over AppointmentsStub.
class AppointmentsConnection {
 public:
  AppointmentsConnection(std::shared_ptr<AppointmentsStub> stub, ConnectionOptions options);
  /// One upstream answer (today: every appointment of the contact).
  absl::StatusOr<AppointmentsPage> ListContactAppointments(const std::string& location_id,
                                                           const std::string& contact_id,
                                                           const CancelFn& cancelled = nullptr);

 private:
  std::shared_ptr<AppointmentsStub> stub_;
  RetryRunner retry_;
};

/// Retry over TagsStub (every operation is a write).
class TagsConnection {
 public:
  TagsConnection(std::shared_ptr<TagsStub> stub, ConnectionOptions options);
  absl::StatusOr<ghl::contacts::v1::AddTagsResponse> AddTags(
      const ghl::contacts::v1::AddTagsRequest& request);
  absl::StatusOr<ghl::contacts::v1::RemoveTagsResponse> RemoveTags(
      const ghl::contacts::v1::RemoveTagsRequest& request);
  absl::StatusOr<ghl::contacts::v1::BulkUpdateTagsResponse> BulkUpdateTags(
      const ghl::contacts::v1::BulkUpdateTagsRequest& request);

 private:
  std::shared_ptr<TagsStub> stub_;
  RetryRunner retry_;
};

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_RESOURCE_CONNECTIONS_H_
