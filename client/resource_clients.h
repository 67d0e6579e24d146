// Clients of the gateway's per-contact services: TasksService,
// NotesService, TagsService and AppointmentsService, in the style of
// ContactsClient: unary calls return absl::StatusOr / absl::Status with the
// client's deadline; the appointment listing is a paged stream flattened
// into a callback and resumed after a break (ReadPages, same contract as
// ContactsClient::ExportContacts).
//
// Threading: all methods are const and may be called concurrently (gRPC
// stubs are thread-safe); a listing blocks the calling thread and runs its
// callbacks on it. Ownership: each client shares its stub and clock.
#ifndef GHL_CLIENT_RESOURCE_CLIENTS_H_
#define GHL_CLIENT_RESOURCE_CLIENTS_H_

#include <functional>
#include <memory>

#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/clock.h"
#include "client/contacts_client.h"
#include "ghl/contacts/v1/appointments_service.grpc.pb.h"
#include "ghl/contacts/v1/notes_service.grpc.pb.h"
#include "ghl/contacts/v1/tags_service.grpc.pb.h"
#include "ghl/contacts/v1/tasks_service.grpc.pb.h"

namespace ghl::client {

/// Client of TasksService (a contact's tasks).
class TasksClient {
 public:
  /// @param stub must not be null. @param options the unary deadline is used.
  TasksClient(std::shared_ptr<ghl::contacts::v1::TasksService::StubInterface> stub, ContactsClientOptions options);

  /// @return the contact's tasks.
  absl::StatusOr<ghl::contacts::v1::ListTasksResponse> ListTasks(
      const ghl::contacts::v1::ListTasksRequest& request) const;
  /// @return one task.
  absl::StatusOr<ghl::contacts::v1::Task> GetTask(const ghl::contacts::v1::GetTaskRequest& request) const;
  /// Creates a task (never retried). @return the task GHL stored.
  absl::StatusOr<ghl::contacts::v1::Task> CreateTask(const ghl::contacts::v1::CreateTaskRequest& request) const;
  /// Updates the fields of request.update_mask. @return the task.
  absl::StatusOr<ghl::contacts::v1::Task> UpdateTask(const ghl::contacts::v1::UpdateTaskRequest& request) const;
  /// Marks a task completed or not. @return the task.
  absl::StatusOr<ghl::contacts::v1::Task> SetTaskCompleted(
      const ghl::contacts::v1::SetTaskCompletedRequest& request) const;
  /// Deletes a task.
  absl::Status DeleteTask(const ghl::contacts::v1::DeleteTaskRequest& request) const;

 private:
  std::shared_ptr<ghl::contacts::v1::TasksService::StubInterface> stub_;
  ContactsClientOptions options_;
};

/// Client of NotesService (a contact's notes).
class NotesClient {
 public:
  /// @param stub must not be null. @param options the unary deadline is used.
  NotesClient(std::shared_ptr<ghl::contacts::v1::NotesService::StubInterface> stub, ContactsClientOptions options);

  /// @return the contact's notes.
  absl::StatusOr<ghl::contacts::v1::ListNotesResponse> ListNotes(
      const ghl::contacts::v1::ListNotesRequest& request) const;
  /// @return one note.
  absl::StatusOr<ghl::contacts::v1::Note> GetNote(const ghl::contacts::v1::GetNoteRequest& request) const;
  /// Creates a note (never retried). @return the note GHL stored.
  absl::StatusOr<ghl::contacts::v1::Note> CreateNote(const ghl::contacts::v1::CreateNoteRequest& request) const;
  /// Updates the fields of request.update_mask. @return the note.
  absl::StatusOr<ghl::contacts::v1::Note> UpdateNote(const ghl::contacts::v1::UpdateNoteRequest& request) const;
  /// Deletes a note.
  absl::Status DeleteNote(const ghl::contacts::v1::DeleteNoteRequest& request) const;

 private:
  std::shared_ptr<ghl::contacts::v1::NotesService::StubInterface> stub_;
  ContactsClientOptions options_;
};

/// Client of TagsService.
class TagsClient {
 public:
  /// @param stub must not be null. @param options the unary deadline is used.
  TagsClient(std::shared_ptr<ghl::contacts::v1::TagsService::StubInterface> stub, ContactsClientOptions options);

  /// Adds tags to a contact. @return the contact's tags afterwards.
  absl::StatusOr<ghl::contacts::v1::AddTagsResponse> AddTags(const ghl::contacts::v1::AddTagsRequest& request) const;
  /// Removes tags from a contact. @return the contact's tags afterwards.
  absl::StatusOr<ghl::contacts::v1::RemoveTagsResponse> RemoveTags(
      const ghl::contacts::v1::RemoveTagsRequest& request) const;
  /// Adds or removes tags on many contacts. @return GHL's per-contact results.
  absl::StatusOr<ghl::contacts::v1::BulkUpdateTagsResponse> BulkUpdateTags(
      const ghl::contacts::v1::BulkUpdateTagsRequest& request) const;

 private:
  std::shared_ptr<ghl::contacts::v1::TagsService::StubInterface> stub_;
  ContactsClientOptions options_;
};

/// Receives each appointment once, in order; a non-OK return stops the listing.
using AppointmentSink = std::function<absl::Status(const ghl::contacts::v1::Appointment&)>;

/// Client of AppointmentsService.
class AppointmentsClient {
 public:
  /// @param stub must not be null. @param options export_retry drives
  /// reconnects. @param clock backoff sleeps; must not be null.
  AppointmentsClient(std::shared_ptr<ghl::contacts::v1::AppointmentsService::StubInterface> stub,
                     ContactsClientOptions options, std::shared_ptr<Clock> clock);

  /// Streams a contact's appointments into `on_appointment`.
  /// @return as ContactsClient::ExportContacts (`contacts` counts appointments).
  absl::StatusOr<ExportProgress> ListContactAppointments(
      const ghl::contacts::v1::ListContactAppointmentsRequest& request, const AppointmentSink& on_appointment,
      const ProgressCallback& on_progress = nullptr) const;

 private:
  std::shared_ptr<ghl::contacts::v1::AppointmentsService::StubInterface> stub_;
  ContactsClientOptions options_;
  std::shared_ptr<Clock> clock_;
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_RESOURCE_CLIENTS_H_
