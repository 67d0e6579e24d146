// ContactsClient: the C++ client of the gateway's ghl.contacts.v1.ContactsService.
//
// What: unary calls (Get/Create/Update/Delete) returning absl::StatusOr /
// absl::Status, and ExportContacts, which turns the server-streaming
// ListContacts (one message per upstream page) into a flat sequence of
// contacts delivered to a callback, with progress after every page.
//
// Why: callers (ghlctl, Rankr services) should not deal with grpc::Status,
// deadlines, page messages or broken streams. A stream that breaks
// (UNAVAILABLE, or the stream ending without a `last_page` message) is
// reopened with the resume token of the last page delivered, so every
// contact is delivered exactly once, in upstream order. Reconnects are
// bounded (ExportRetryPolicy) and sleep through the injected Clock.
//
// Threading: all methods are const and may be called concurrently from any
// thread (the gRPC stub is thread-safe). ExportContacts blocks the calling
// thread and invokes its callbacks on that thread, never concurrently.
// Ownership: the client shares the stub and the clock; it can outlive the
// channel factory that made it.
#ifndef GHL_CLIENT_CONTACTS_CLIENT_H_
#define GHL_CLIENT_CONTACTS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/clock.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"

namespace ghl::client {

/// How ExportContacts reopens a broken stream.
struct ExportRetryPolicy {
  /// Connection attempts in a row that may fail without delivering a page
  /// before ExportContacts gives up. A delivered page resets the count, so a
  /// long export survives any number of well-separated breaks.
  int max_attempts = 6;
  /// Sleep before the first reconnect.
  absl::Duration initial_backoff = absl::Milliseconds(250);
  /// Upper bound of any single sleep.
  absl::Duration max_backoff = absl::Seconds(10);
  /// Growth of the sleep per failed attempt in a row.
  double multiplier = 2.0;

  /// @param failures failed attempts in a row so far (>= 1).
  /// @return the sleep before the next attempt: initial * multiplier^(failures-1),
  ///         capped at max_backoff. Deterministic (no jitter): one client
  ///         resuming one export does not need to spread load.
  absl::Duration BackoffFor(int failures) const;
};

/// Options of ContactsClient.
struct ContactsClientOptions {
  /// Deadline of each unary call. ExportContacts has no overall deadline: an
  /// export runs for as long as the location needs at GHL's rate limit.
  absl::Duration timeout = absl::Seconds(30);
  /// Reconnect policy of ExportContacts.
  ExportRetryPolicy export_retry;
};

/// Progress of an export, reported after every page and returned at the end.
struct ExportProgress {
  /// Contacts delivered to the sink so far.
  int64_t contacts = 0;
  /// Page messages received so far (all connections together).
  int64_t pages = 0;
  /// Upstream total (meta.total) from the latest page; 0 if unknown.
  int64_t total = 0;
  /// Streams reopened after a break.
  int reconnects = 0;
  /// Time since ExportContacts started (Clock time).
  absl::Duration elapsed;
  /// Resume token of the latest page delivered ("" before the first page).
  std::string resume_token;
};

/// Receives each exported contact once, in order. A non-OK return stops the
/// export (the stream is cancelled) and ExportContacts returns that status.
using ContactSink = std::function<absl::Status(const ghl::contacts::v1::Contact&)>;

/// Receives progress after every page (after that page's contacts reached the sink).
using ProgressCallback = std::function<void(const ExportProgress&)>;

/// Client of ContactsService. See the file comment.
class ContactsClient {
 public:
  /// @param stub the generated stub (or a test double); must not be null.
  /// @param options deadlines and the export reconnect policy.
  /// @param clock time source for elapsed time and backoff sleeps; must not be null.
  ContactsClient(std::shared_ptr<ghl::contacts::v1::ContactsService::StubInterface> stub,
                 ContactsClientOptions options, std::shared_ptr<Clock> clock);

  /// Gets one contact.
  /// @return the contact, or the gateway's error (e.g. NOT_FOUND, INVALID_ARGUMENT).
  absl::StatusOr<ghl::contacts::v1::Contact> GetContact(
      const ghl::contacts::v1::GetContactRequest& request) const;

  /// Creates a contact. Never retried: a create may have reached GHL.
  /// @return the created contact as GHL returned it.
  absl::StatusOr<ghl::contacts::v1::Contact> CreateContact(
      const ghl::contacts::v1::CreateContactRequest& request) const;

  /// Updates the fields named in request.update_mask.
  /// @return the updated contact.
  absl::StatusOr<ghl::contacts::v1::Contact> UpdateContact(
      const ghl::contacts::v1::UpdateContactRequest& request) const;

  /// Deletes a contact.
  absl::Status DeleteContact(const ghl::contacts::v1::DeleteContactRequest& request) const;

  /// Streams every contact of request.location_id into `on_contact`.
  /// A non-empty request.resume_token starts after the page that carried it.
  /// @param request the listing; resume_token is replaced on reconnects.
  /// @param on_contact called once per contact, in upstream order.
  /// @param on_progress optional; called after each page.
  /// @return the final progress once the page marked `last_page` was
  ///         delivered; otherwise the first non-retryable error, the sink's
  ///         error, UNAVAILABLE after ExportRetryPolicy::max_attempts failed
  ///         attempts in a row, DATA_LOSS if a page cannot be resumed after
  ///         (no resume token) or page numbers skip, all with the progress so
  ///         far and the last resume token in the message.
  absl::StatusOr<ExportProgress> ExportContacts(const ghl::contacts::v1::ListContactsRequest& request,
                                                const ContactSink& on_contact,
                                                const ProgressCallback& on_progress = nullptr) const;

  /// Streams every contact matching request's filters into `on_contact`,
  /// resuming a broken stream like ExportContacts (same contract).
  absl::StatusOr<ExportProgress> SearchContacts(const ghl::contacts::v1::SearchContactsRequest& request,
                                                const ContactSink& on_contact,
                                                const ProgressCallback& on_progress = nullptr) const;

  /// Streams every contact of request.business_id into `on_contact`,
  /// resuming a broken stream like ExportContacts (same contract).
  absl::StatusOr<ExportProgress> ListBusinessContacts(const ghl::contacts::v1::ListBusinessContactsRequest& request,
                                                      const ContactSink& on_contact,
                                                      const ProgressCallback& on_progress = nullptr) const;

  /// Creates or updates the contact GHL matches (idempotent).
  /// @return the contact, whether it was created, and the matched id.
  absl::StatusOr<ghl::contacts::v1::UpsertContactResponse> UpsertContact(
      const ghl::contacts::v1::UpsertContactRequest& request) const;

  /// Finds the contact GHL treats as a duplicate of an email and/or phone.
  /// @return a response without contact when there is none (not an error).
  absl::StatusOr<ghl::contacts::v1::FindDuplicateContactResponse> FindDuplicateContact(
      const ghl::contacts::v1::FindDuplicateContactRequest& request) const;

  /// Adds followers (user ids) to a contact.
  absl::StatusOr<ghl::contacts::v1::AddFollowersResponse> AddFollowers(
      const ghl::contacts::v1::AddFollowersRequest& request) const;

  /// Removes followers from a contact.
  absl::StatusOr<ghl::contacts::v1::RemoveFollowersResponse> RemoveFollowers(
      const ghl::contacts::v1::RemoveFollowersRequest& request) const;

  /// Adds a contact to a campaign.
  absl::Status AddToCampaign(const ghl::contacts::v1::AddToCampaignRequest& request) const;

  /// Removes a contact from a campaign.
  absl::Status RemoveFromCampaign(const ghl::contacts::v1::RemoveFromCampaignRequest& request) const;

  /// Removes a contact from every campaign.
  absl::Status RemoveFromAllCampaigns(const ghl::contacts::v1::RemoveFromAllCampaignsRequest& request) const;

  /// Adds a contact to a workflow.
  absl::Status AddToWorkflow(const ghl::contacts::v1::AddToWorkflowRequest& request) const;

  /// Removes a contact from a workflow.
  absl::Status RemoveFromWorkflow(const ghl::contacts::v1::RemoveFromWorkflowRequest& request) const;

  /// Puts contacts into a business or takes them out of theirs.
  /// @return the ids GHL updated.
  absl::StatusOr<ghl::contacts::v1::BulkUpdateBusinessResponse> BulkUpdateBusiness(
      const ghl::contacts::v1::BulkUpdateBusinessRequest& request) const;

 private:

  std::shared_ptr<ghl::contacts::v1::ContactsService::StubInterface> stub_;
  ContactsClientOptions options_;
  std::shared_ptr<Clock> clock_;
};

/// Builds a client on an insecure channel to `target` (HOST:PORT); the
/// gateway has no caller authentication yet.
/// @param target gRPC target, e.g. "127.0.0.1:50051".
std::unique_ptr<ContactsClient> MakeContactsClient(const std::string& target, ContactsClientOptions options,
                                                   std::shared_ptr<Clock> clock);

/// Builds a client on an existing channel (shared with other clients).
std::unique_ptr<ContactsClient> MakeContactsClient(std::shared_ptr<grpc::Channel> channel,
                                                   ContactsClientOptions options, std::shared_ptr<Clock> clock);

}  // namespace ghl::client

#endif  // GHL_CLIENT_CONTACTS_CLIENT_H_
