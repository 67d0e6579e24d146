// ContactsServiceImpl: the gRPC ContactsService over ContactsConnection.
// Translation only: validate the request, run the connection call on the
// worker pool (never on a gRPC thread), map the result to proto/gRPC status.
//
// ListContacts is a ServerWriteReactor: it fetches one upstream page on the
// pool, writes it, and fetches the next only after the write completed, so a
// stream holds no thread while it waits for the caller and buffers at most
// one page (natural backpressure).
//
// Thread-safety: one instance serves all calls concurrently. The connection
// and pool must outlive the gRPC server.
#ifndef GHL_SERVER_CONTACTS_SERVICE_IMPL_H_
#define GHL_SERVER_CONTACTS_SERVICE_IMPL_H_

#include <atomic>
#include <memory>

#include "adapters/ghl/contacts/contacts_connection.h"
#include "adapters/ghl/core/rate_budget.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "server/worker_pool.h"

namespace ghl::server {

/// Trailing metadata of a stream ended by a gateway shutdown: the resume
/// token of the last page delivered (the request's own token before any).
inline constexpr char kResumeTokenMetadata[] = "ghl-resume-token";

class ContactsServiceImpl final : public ghl::contacts::v1::ContactsService::CallbackService {
 public:
  ContactsServiceImpl(std::shared_ptr<ghl::contacts::ContactsConnection> connection, WorkerPool* pool)
      : connection_(std::move(connection)), pool_(pool) {}

  /// Graceful shutdown: every ListContacts, SearchContacts and
  /// ListBusinessContacts stream ends at its next page boundary with
  /// UNAVAILABLE and the resume token of the last page it delivered
  /// (trailing metadata kResumeTokenMetadata), so the caller continues on
  /// another gateway. Unary calls are not affected.
  void StartDraining() { draining_.store(true); }

  /// The per-location budget the transport paces by (may stay unset): a
  /// ListContacts stream whose location has no free slot waits for it on a
  /// pool timer instead of sleeping on a worker. Call before serving.
  void SetRateBudget(std::shared_ptr<RateBudget> budget) { budget_ = std::move(budget); }

  grpc::ServerUnaryReactor* GetContact(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::GetContactRequest* request,
                                       ghl::contacts::v1::Contact* response) override;
  grpc::ServerWriteReactor<ghl::contacts::v1::ListContactsResponse>* ListContacts(
      grpc::CallbackServerContext* context,
      const ghl::contacts::v1::ListContactsRequest* request) override;
  grpc::ServerUnaryReactor* CreateContact(grpc::CallbackServerContext* context,
                                          const ghl::contacts::v1::CreateContactRequest* request,
                                          ghl::contacts::v1::Contact* response) override;
  grpc::ServerUnaryReactor* UpdateContact(grpc::CallbackServerContext* context,
                                          const ghl::contacts::v1::UpdateContactRequest* request,
                                          ghl::contacts::v1::Contact* response) override;
  grpc::ServerUnaryReactor* DeleteContact(grpc::CallbackServerContext* context,
                                          const ghl::contacts::v1::DeleteContactRequest* request,
                                          google::protobuf::Empty* response) override;

  // ---- Search, upsert, duplicates, business, followers, campaigns,
  // ---- workflows (issue 3): server/contacts_service_more.cc.
  grpc::ServerWriteReactor<ghl::contacts::v1::SearchContactsResponse>* SearchContacts(
      grpc::CallbackServerContext* context,
      const ghl::contacts::v1::SearchContactsRequest* request) override;
  grpc::ServerUnaryReactor* UpsertContact(grpc::CallbackServerContext* context,
                                          const ghl::contacts::v1::UpsertContactRequest* request,
                                          ghl::contacts::v1::UpsertContactResponse* response) override;
  grpc::ServerUnaryReactor* FindDuplicateContact(
      grpc::CallbackServerContext* context, const ghl::contacts::v1::FindDuplicateContactRequest* request,
      ghl::contacts::v1::FindDuplicateContactResponse* response) override;
  grpc::ServerWriteReactor<ghl::contacts::v1::ListBusinessContactsResponse>* ListBusinessContacts(
      grpc::CallbackServerContext* context,
      const ghl::contacts::v1::ListBusinessContactsRequest* request) override;
  grpc::ServerUnaryReactor* AddFollowers(grpc::CallbackServerContext* context,
                                         const ghl::contacts::v1::AddFollowersRequest* request,
                                         ghl::contacts::v1::AddFollowersResponse* response) override;
  grpc::ServerUnaryReactor* RemoveFollowers(grpc::CallbackServerContext* context,
                                            const ghl::contacts::v1::RemoveFollowersRequest* request,
                                            ghl::contacts::v1::RemoveFollowersResponse* response) override;
  grpc::ServerUnaryReactor* AddToCampaign(grpc::CallbackServerContext* context,
                                          const ghl::contacts::v1::AddToCampaignRequest* request,
                                          google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* RemoveFromCampaign(grpc::CallbackServerContext* context,
                                               const ghl::contacts::v1::RemoveFromCampaignRequest* request,
                                               google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* RemoveFromAllCampaigns(
      grpc::CallbackServerContext* context, const ghl::contacts::v1::RemoveFromAllCampaignsRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* AddToWorkflow(grpc::CallbackServerContext* context,
                                          const ghl::contacts::v1::AddToWorkflowRequest* request,
                                          google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* RemoveFromWorkflow(grpc::CallbackServerContext* context,
                                               const ghl::contacts::v1::RemoveFromWorkflowRequest* request,
                                               google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* BulkUpdateBusiness(
      grpc::CallbackServerContext* context, const ghl::contacts::v1::BulkUpdateBusinessRequest* request,
      ghl::contacts::v1::BulkUpdateBusinessResponse* response) override;
  // ---- end of the issue 3 section.

 private:
  // Runs `work` on the pool and finishes the call with its status.
  grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context,
                                     std::function<absl::Status()> work);

  std::shared_ptr<ghl::contacts::ContactsConnection> connection_;
  WorkerPool* pool_;
  std::atomic<bool> draining_{false};
  std::shared_ptr<RateBudget> budget_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_CONTACTS_SERVICE_IMPL_H_
