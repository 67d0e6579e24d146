// ContactsServiceImpl: search, upsert, duplicate lookup, business contacts,
// followers, campaigns, workflows and the bulk business update (the issue 3
// section of contacts_service_impl.h). Same shape as the CRUD handlers:
// validate (INVALID_ARGUMENT before any upstream call), run the connection
// call on the worker pool, map the result.
//
// The two streams share PageStreamReactor: it fetches one upstream page on
// the pool, writes it, and fetches the next only after the write completed
// (at most one page buffered, no thread held while the caller reads).
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/contacts/search_pager.h"
#include "server/contacts_more_validation.h"
#include "server/contacts_service_impl.h"
#include "server/call_log.h"
#include "server/caller_auth.h"
#include "server/grpc_status.h"
#include "server/request_validation.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::BusinessContactsPager;
using ::ghl::contacts::BusinessContactsPageRequest;
using ::ghl::contacts::SearchPager;

// A server stream of upstream pages. `fetch` runs on the pool: it fills the
// response with the next page and says whether that page is the last.
template <typename Response>
class PageStreamReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  using FetchFn = std::function<absl::Status(Response* response, bool* last)>;

  // `draining` set: end at the next page boundary with UNAVAILABLE and the
  // resume token after the last page delivered (`initial_token` before any).
  PageStreamReactor(grpc::CallbackServerContext* context, WorkerPool* pool,
                    const absl::Status& ready, FetchFn fetch, const std::atomic<bool>* draining,
                    std::string initial_token)
      : context_(context), pool_(pool), fetch_(std::move(fetch)), draining_(draining),
        delivered_token_(std::move(initial_token)) {
    if (!ready.ok()) {
      this->Finish(ToGrpcStatus(ready));
      return;
    }
    ScheduleFetch();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the caller stopped reading"));
      return;
    }
    if (last_) {
      this->Finish(grpc::Status::OK);
      return;
    }
    delivered_token_ = response_.resume_token();
    ScheduleFetch();
  }

  void OnDone() override { delete this; }

 private:
  void ScheduleFetch() {
    if (draining_->load()) {
      context_->AddTrailingMetadata(kResumeTokenMetadata, delivered_token_);
      this->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                absl::StrCat("ghl-gateway is shutting down; resume with the last page's "
                                             "resume_token (also in trailing metadata ",
                                             kResumeTokenMetadata, ")")));
      return;
    }
    if (!pool_->Post([this] { Fetch(); })) {
      this->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "ghl-gateway is shutting down; retry elsewhere"));
    }
  }

  // Runs on the pool. Touches nothing after StartWrite/Finish: OnWriteDone
  // and OnDone may run on another thread right away.
  void Fetch() {
    CallScope call(context_);  // the page's GHL requests carry the call's request id
    if (context_->IsCancelled()) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller"));
      return;
    }
    response_.Clear();
    absl::Status status = fetch_(&response_, &last_);
    if (!status.ok()) {
      this->Finish(ToGrpcStatus(status));
      return;
    }
    this->StartWrite(&response_);
  }

  grpc::CallbackServerContext* context_;
  WorkerPool* pool_;
  FetchFn fetch_;
  const std::atomic<bool>* draining_;
  std::string delivered_token_;
  Response response_;
  bool last_ = false;
};

// Fills the common fields of a page message.
template <typename Response>
void FillPage(std::vector<v1::Contact> contacts, int64_t total, int pages_delivered,
              int64_t contacts_delivered, bool done, std::string token,
              const google::protobuf::FieldMask& read_mask, Response* out) {
  for (auto& contact : contacts) {
    v1::Contact* added = out->add_contacts();
    *added = std::move(contact);
    // The mask was validated up front, so this cannot fail.
    (void)ghl::contacts::ApplyReadMask(read_mask, added);
  }
  out->set_resume_token(std::move(token));
  out->set_total_size(total >= 0 ? total : contacts_delivered);
  out->set_page_number(pages_delivered);
  out->set_last_page(done);
}

// Per-call state of SearchContacts (shared with the fetch function).
struct SearchCall {
  std::unique_ptr<SearchPager> pager;
};

// Per-call state of ListBusinessContacts.
struct BusinessCall {
  std::unique_ptr<BusinessContactsPager> pager;
  int page_size = 0;
};

}  // namespace

grpc::ServerWriteReactor<v1::SearchContactsResponse>* ContactsServiceImpl::SearchContacts(
    grpc::CallbackServerContext* context, const v1::SearchContactsRequest* request) {
  if (auto denied = CallerDenied(context)) {
    return new FinishedWriteReactor<v1::SearchContactsResponse>(*denied);
  }
  auto call = std::make_shared<SearchCall>();
  absl::Status ready = ValidateRequest(*request);
  if (ready.ok()) {
    const int page_limit = *ghl::contacts::SearchPageLimit(request->page_size());
    auto start = DecodeSearchToken(*request, page_limit);
    ready = start.status();
    if (start.ok()) call->pager = connection_->SearchContacts(*request, page_limit, *start);
  }
  auto fetch = [call, context, request](v1::SearchContactsResponse* out,
                                        bool* last) -> absl::Status {
    SearchPager& pager = *call->pager;
    std::vector<v1::Contact> contacts;
    int64_t total = -1;
    if (!pager.done()) {
      auto page = pager.NextPage([context] { return context->IsCancelled(); },
                                 FromGrpcDeadline(context->deadline()));
      if (!page.ok()) return page.status();
      contacts = std::move(page->contacts);
      total = page->total;
    }
    // Resumed after the last page: one empty last page, so every stream
    // ends with last_page.
    const auto& position = pager.position();
    *last = position.done;
    FillPage(std::move(contacts), total, position.pages_delivered, position.contacts_delivered,
             position.done, EncodeSearchToken(*request, position), request->read_mask(), out);
    return absl::OkStatus();
  };
  return new PageStreamReactor<v1::SearchContactsResponse>(context, pool_, ready, std::move(fetch), &draining_,
                                                           request->resume_token());
}

grpc::ServerWriteReactor<v1::ListBusinessContactsResponse>*
ContactsServiceImpl::ListBusinessContacts(grpc::CallbackServerContext* context,
                                          const v1::ListBusinessContactsRequest* request) {
  if (auto denied = CallerDenied(context)) {
    return new FinishedWriteReactor<v1::ListBusinessContactsResponse>(*denied);
  }
  auto call = std::make_shared<BusinessCall>();
  absl::Status ready = ValidateRequest(*request);
  if (ready.ok()) {
    call->page_size = *PageSize(request->page_size());
    auto start = DecodeBusinessToken(*request, call->page_size);
    ready = start.status();
    if (start.ok()) {
      BusinessContactsPageRequest page_request;
      page_request.location_id = request->location_id();
      page_request.business_id = request->business_id();
      page_request.query = request->query();
      page_request.limit = call->page_size;
      call->pager = connection_->ListBusinessContacts(std::move(page_request), *start);
    }
  }
  auto fetch = [call, context, request](v1::ListBusinessContactsResponse* out,
                                        bool* last) -> absl::Status {
    BusinessContactsPager& pager = *call->pager;
    std::vector<v1::Contact> contacts;
    int64_t total = -1;
    if (!pager.done()) {
      auto page = pager.NextPage([context] { return context->IsCancelled(); },
                                 FromGrpcDeadline(context->deadline()));
      if (!page.ok()) return page.status();
      contacts = std::move(page->contacts);
      total = page->total;
    }
    const auto& position = pager.position();
    *last = position.done;
    FillPage(std::move(contacts), total, position.pages_delivered, position.contacts_delivered,
             position.done, EncodeBusinessToken(*request, call->page_size, position),
             request->read_mask(), out);
    return absl::OkStatus();
  };
  return new PageStreamReactor<v1::ListBusinessContactsResponse>(context, pool_, ready, std::move(fetch),
                                                                 &draining_, request->resume_token());
}

grpc::ServerUnaryReactor* ContactsServiceImpl::UpsertContact(
    grpc::CallbackServerContext* context, const v1::UpsertContactRequest* request,
    v1::UpsertContactResponse* response) {
  return RunUnary(context, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateRequest(*request); !s.ok()) return s;
    auto result =
        connection_->UpsertContact(*request, [context] { return context->IsCancelled(); });
    if (!result.ok()) return result.status();
    *response = std::move(*result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContactsServiceImpl::FindDuplicateContact(
    grpc::CallbackServerContext* context, const v1::FindDuplicateContactRequest* request,
    v1::FindDuplicateContactResponse* response) {
  return RunUnary(context, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateRequest(*request); !s.ok()) return s;
    auto result =
        connection_->FindDuplicateContact(*request, [context] { return context->IsCancelled(); });
    if (!result.ok()) return result.status();
    *response = std::move(*result);
    // A contact of another location is not this caller's to see.
    if (response->contact().has_location_id() &&
        response->contact().location_id() != request->location_id()) {
      response->clear_contact();
    }
    return absl::OkStatus();
  });
}

namespace {

absl::Status Store(absl::Status result, google::protobuf::Empty*) { return result; }

template <typename T>
absl::Status Store(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

// The work of a unary write: validate, call, copy the answer.
template <typename Request, typename Response, typename Call>
std::function<absl::Status()> WriteWork(const Request* request, Response* response, Call call) {
  return [request, response, call = std::move(call)]() -> absl::Status {
    if (auto s = ValidateRequest(*request); !s.ok()) return s;
    return Store(call(*request), response);
  };
}

}  // namespace

grpc::ServerUnaryReactor* ContactsServiceImpl::AddFollowers(grpc::CallbackServerContext* context,
                                                            const v1::AddFollowersRequest* request,
                                                            v1::AddFollowersResponse* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->AddFollowers(r);
                  }));
}

grpc::ServerUnaryReactor* ContactsServiceImpl::RemoveFollowers(
    grpc::CallbackServerContext* context, const v1::RemoveFollowersRequest* request,
    v1::RemoveFollowersResponse* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->RemoveFollowers(r);
                  }));
}

grpc::ServerUnaryReactor* ContactsServiceImpl::AddToCampaign(
    grpc::CallbackServerContext* context, const v1::AddToCampaignRequest* request,
    google::protobuf::Empty* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->AddToCampaign(r);
                  }));
}

grpc::ServerUnaryReactor* ContactsServiceImpl::RemoveFromCampaign(
    grpc::CallbackServerContext* context, const v1::RemoveFromCampaignRequest* request,
    google::protobuf::Empty* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->RemoveFromCampaign(r);
                  }));
}

grpc::ServerUnaryReactor* ContactsServiceImpl::RemoveFromAllCampaigns(
    grpc::CallbackServerContext* context, const v1::RemoveFromAllCampaignsRequest* request,
    google::protobuf::Empty* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->RemoveFromAllCampaigns(r);
                  }));
}

grpc::ServerUnaryReactor* ContactsServiceImpl::AddToWorkflow(
    grpc::CallbackServerContext* context, const v1::AddToWorkflowRequest* request,
    google::protobuf::Empty* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->AddToWorkflow(r);
                  }));
}

grpc::ServerUnaryReactor* ContactsServiceImpl::RemoveFromWorkflow(
    grpc::CallbackServerContext* context, const v1::RemoveFromWorkflowRequest* request,
    google::protobuf::Empty* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->RemoveFromWorkflow(r);
                  }));
}

grpc::ServerUnaryReactor* ContactsServiceImpl::BulkUpdateBusiness(
    grpc::CallbackServerContext* context, const v1::BulkUpdateBusinessRequest* request,
    v1::BulkUpdateBusinessResponse* response) {
  return RunUnary(context, WriteWork(request, response, [this](const auto& r) {
                    return connection_->BulkUpdateBusiness(r);
                  }));
}

}  // namespace ghl::server
