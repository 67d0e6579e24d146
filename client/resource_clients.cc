#include "client/resource_clients.h"

#include <utility>

#include "client/page_stream.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;
using internal::CallUnary;

}  // namespace

// Each unary method: one call with the client's deadline (CallUnary).
#define GHL_RESOURCE_CALL(Method, Response)                                                           \
  CallUnary<Response>(                                                                                \
      [this](grpc::ClientContext* c, const auto& r, Response* out) { return stub_->Method(c, r, out); }, \
      request, options_.timeout)

TasksClient::TasksClient(std::shared_ptr<v1::TasksService::StubInterface> stub, ContactsClientOptions options)
    : stub_(std::move(stub)), options_(std::move(options)) {}

absl::StatusOr<v1::ListTasksResponse> TasksClient::ListTasks(const v1::ListTasksRequest& request) const {
  return GHL_RESOURCE_CALL(ListTasks, v1::ListTasksResponse);
}
absl::StatusOr<v1::Task> TasksClient::GetTask(const v1::GetTaskRequest& request) const {
  return GHL_RESOURCE_CALL(GetTask, v1::Task);
}
absl::StatusOr<v1::Task> TasksClient::CreateTask(const v1::CreateTaskRequest& request) const {
  return GHL_RESOURCE_CALL(CreateTask, v1::Task);
}
absl::StatusOr<v1::Task> TasksClient::UpdateTask(const v1::UpdateTaskRequest& request) const {
  return GHL_RESOURCE_CALL(UpdateTask, v1::Task);
}
absl::StatusOr<v1::Task> TasksClient::SetTaskCompleted(const v1::SetTaskCompletedRequest& request) const {
  return GHL_RESOURCE_CALL(SetTaskCompleted, v1::Task);
}
absl::Status TasksClient::DeleteTask(const v1::DeleteTaskRequest& request) const {
  return GHL_RESOURCE_CALL(DeleteTask, google::protobuf::Empty).status();
}

NotesClient::NotesClient(std::shared_ptr<v1::NotesService::StubInterface> stub, ContactsClientOptions options)
    : stub_(std::move(stub)), options_(std::move(options)) {}

absl::StatusOr<v1::ListNotesResponse> NotesClient::ListNotes(const v1::ListNotesRequest& request) const {
  return GHL_RESOURCE_CALL(ListNotes, v1::ListNotesResponse);
}
absl::StatusOr<v1::Note> NotesClient::GetNote(const v1::GetNoteRequest& request) const {
  return GHL_RESOURCE_CALL(GetNote, v1::Note);
}
absl::StatusOr<v1::Note> NotesClient::CreateNote(const v1::CreateNoteRequest& request) const {
  return GHL_RESOURCE_CALL(CreateNote, v1::Note);
}
absl::StatusOr<v1::Note> NotesClient::UpdateNote(const v1::UpdateNoteRequest& request) const {
  return GHL_RESOURCE_CALL(UpdateNote, v1::Note);
}
absl::Status NotesClient::DeleteNote(const v1::DeleteNoteRequest& request) const {
  return GHL_RESOURCE_CALL(DeleteNote, google::protobuf::Empty).status();
}

TagsClient::TagsClient(std::shared_ptr<v1::TagsService::StubInterface> stub, ContactsClientOptions options)
    : stub_(std::move(stub)), options_(std::move(options)) {}

absl::StatusOr<v1::AddTagsResponse> TagsClient::AddTags(const v1::AddTagsRequest& request) const {
  return GHL_RESOURCE_CALL(AddTags, v1::AddTagsResponse);
}
absl::StatusOr<v1::RemoveTagsResponse> TagsClient::RemoveTags(const v1::RemoveTagsRequest& request) const {
  return GHL_RESOURCE_CALL(RemoveTags, v1::RemoveTagsResponse);
}
absl::StatusOr<v1::BulkUpdateTagsResponse> TagsClient::BulkUpdateTags(
    const v1::BulkUpdateTagsRequest& request) const {
  return GHL_RESOURCE_CALL(BulkUpdateTags, v1::BulkUpdateTagsResponse);
}

#undef GHL_RESOURCE_CALL

AppointmentsClient::AppointmentsClient(std::shared_ptr<v1::AppointmentsService::StubInterface> stub,
                                       ContactsClientOptions options, std::shared_ptr<Clock> clock)
    : stub_(std::move(stub)), options_(std::move(options)), clock_(std::move(clock)) {}

absl::StatusOr<ExportProgress> AppointmentsClient::ListContactAppointments(
    const v1::ListContactAppointmentsRequest& request, const AppointmentSink& on_appointment,
    const ProgressCallback& on_progress) const {
  return internal::ReadPages<v1::Appointment, v1::ListContactAppointmentsRequest, v1::ListContactAppointmentsResponse>(
      request,
      [this](grpc::ClientContext* context, const v1::ListContactAppointmentsRequest& r) {
        return stub_->ListContactAppointments(context, r);
      },
      &v1::ListContactAppointmentsResponse::appointments, "appointments", on_appointment, on_progress,
      options_.export_retry, *clock_);
}

}  // namespace ghl::client
