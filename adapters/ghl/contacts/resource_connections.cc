#include "adapters/ghl/contacts/resource_connections.h"

#include <utility>

namespace ghl::contacts {

namespace v1 = ::ghl::contacts::v1;

RetryRunner::RetryRunner(ConnectionOptions options) : options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = &DefaultClock();
  if (!options_.jitter) options_.jitter = DefaultJitterSource();
}

absl::Status RetryRunner::WriteStatus(
    const char* operation, const std::function<absl::Status(const CallOptions&)>& call) const {
  return Write<bool>(operation, false, [&](const CallOptions& options) -> absl::StatusOr<bool> {
           auto status = call(options);
           if (!status.ok()) return status;
           return true;
         })
      .status();
}

// ---------------------------------------------------------------------------
// Tasks

TasksConnection::TasksConnection(std::shared_ptr<TasksStub> stub, ConnectionOptions options)
    : stub_(std::move(stub)), retry_(std::move(options)) {}

absl::StatusOr<v1::ListTasksResponse> TasksConnection::ListTasks(
    const v1::ListTasksRequest& request, const CancelFn& cancelled) {
  return retry_.Read<v1::ListTasksResponse>(
      [&](const CallOptions& o) { return stub_->ListTasks(o, request); }, cancelled);
}

absl::StatusOr<v1::Task> TasksConnection::GetTask(const v1::GetTaskRequest& request,
                                                  const CancelFn& cancelled) {
  return retry_.Read<v1::Task>([&](const CallOptions& o) { return stub_->GetTask(o, request); },
                               cancelled);
}

absl::StatusOr<v1::Task> TasksConnection::CreateTask(const v1::CreateTaskRequest& request) {
  return retry_.Write<v1::Task>(
      "the task creation", false, [&](const CallOptions& o) { return stub_->CreateTask(o, request); });
}

absl::StatusOr<v1::Task> TasksConnection::UpdateTask(const v1::UpdateTaskRequest& request) {
  return retry_.Write<v1::Task>(
      "the task update", false, [&](const CallOptions& o) { return stub_->UpdateTask(o, request); });
}

absl::StatusOr<v1::Task> TasksConnection::SetTaskCompleted(
    const v1::SetTaskCompletedRequest& request) {
  return retry_.Write<v1::Task>(
      "the task completion", false, [&](const CallOptions& o) { return stub_->SetTaskCompleted(o, request); });
}

absl::Status TasksConnection::DeleteTask(const v1::DeleteTaskRequest& request) {
  return retry_.WriteStatus("the task deletion",
                            [&](const CallOptions& o) { return stub_->DeleteTask(o, request); });
}

// ---------------------------------------------------------------------------
// Notes

NotesConnection::NotesConnection(std::shared_ptr<NotesStub> stub, ConnectionOptions options)
    : stub_(std::move(stub)), retry_(std::move(options)) {}

absl::StatusOr<v1::ListNotesResponse> NotesConnection::ListNotes(
    const v1::ListNotesRequest& request, const CancelFn& cancelled) {
  return retry_.Read<v1::ListNotesResponse>(
      [&](const CallOptions& o) { return stub_->ListNotes(o, request); }, cancelled);
}

absl::StatusOr<v1::Note> NotesConnection::GetNote(const v1::GetNoteRequest& request,
                                                  const CancelFn& cancelled) {
  return retry_.Read<v1::Note>([&](const CallOptions& o) { return stub_->GetNote(o, request); },
                               cancelled);
}

absl::StatusOr<v1::Note> NotesConnection::CreateNote(const v1::CreateNoteRequest& request) {
  return retry_.Write<v1::Note>(
      "the note creation", false, [&](const CallOptions& o) { return stub_->CreateNote(o, request); });
}

absl::StatusOr<v1::Note> NotesConnection::UpdateNote(const v1::UpdateNoteRequest& request) {
  return retry_.Write<v1::Note>(
      "the note update", false, [&](const CallOptions& o) { return stub_->UpdateNote(o, request); });
}

absl::Status NotesConnection::DeleteNote(const v1::DeleteNoteRequest& request) {
  return retry_.WriteStatus("the note deletion",
                            [&](const CallOptions& o) { return stub_->DeleteNote(o, request); });
}

// ---------------------------------------------------------------------------
// Appointments

AppointmentsConnection::AppointmentsConnection(std::shared_ptr<AppointmentsStub> stub,
                                               ConnectionOptions options)
    : stub_(std::move(stub)), retry_(std::move(options)) {}

absl::StatusOr<AppointmentsPage> AppointmentsConnection::ListContactAppointments(
    const std::string& location_id, const std::string& contact_id, const CancelFn& cancelled) {
  return retry_.Read<AppointmentsPage>(
      [&](const CallOptions& o) {
        return stub_->ListContactAppointments(o, location_id, contact_id);
      },
      cancelled);
}

// ---------------------------------------------------------------------------
// Tags

TagsConnection::TagsConnection(std::shared_ptr<TagsStub> stub, ConnectionOptions options)
    : stub_(std::move(stub)), retry_(std::move(options)) {}

absl::StatusOr<v1::AddTagsResponse> TagsConnection::AddTags(const v1::AddTagsRequest& request) {
  return retry_.Write<v1::AddTagsResponse>(
      "the tag change", false, [&](const CallOptions& o) { return stub_->AddTags(o, request); });
}

absl::StatusOr<v1::RemoveTagsResponse> TagsConnection::RemoveTags(
    const v1::RemoveTagsRequest& request) {
  return retry_.Write<v1::RemoveTagsResponse>(
      "the tag change", false, [&](const CallOptions& o) { return stub_->RemoveTags(o, request); });
}

absl::StatusOr<v1::BulkUpdateTagsResponse> TagsConnection::BulkUpdateTags(
    const v1::BulkUpdateTagsRequest& request) {
  return retry_.Write<v1::BulkUpdateTagsResponse>(
      "the bulk tag update", true, [&](const CallOptions& o) { return stub_->BulkUpdateTags(o, request); });
}

}  // namespace ghl::contacts
