#include "server/contacts_service_impl.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "server/call_log.h"
#include "server/caller_auth.h"
#include "adapters/ghl/core/clock.h"
#include "server/grpc_status.h"
#include "server/metrics.h"
#include "server/request_validation.h"

namespace ghl::server {
namespace {

using ::ghl::contacts::ApplyReadMask;
using ::ghl::contacts::ContactsConnection;
using ::ghl::contacts::ContactsPager;
using ::ghl::contacts::ListContactsPageRequest;
using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::ListContactsRequest;
using ::ghl::contacts::v1::ListContactsResponse;

// Checks a read mask before any upstream call.
absl::Status ValidateReadMask(const google::protobuf::FieldMask& mask) {
  Contact probe;
  auto s = ApplyReadMask(mask, &probe);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("read_mask: ", s.message()));
  return absl::OkStatus();
}

grpc::Status ShuttingDown() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "ghl-gateway is shutting down; retry elsewhere");
}

// Streams one listing with one page prefetched: as soon as page k is handed
// to gRPC, page k+1 is fetched on the pool, so the upstream round trip
// overlaps the caller's reading. At most two pages are held (the one being
// written and the one fetched ahead): a slow reader stalls the fetching
// instead of growing memory. The reactor finishes only once no write and no
// fetch is outstanding (a pool task never outlives it).
class ListContactsReactor final : public grpc::ServerWriteReactor<ListContactsResponse> {
 public:
  ListContactsReactor(grpc::CallbackServerContext* context, const ListContactsRequest* request,
                      ContactsConnection* connection, WorkerPool* pool, const std::atomic<bool>* draining,
                      RateBudget* budget)
      : context_(context), request_(request), pool_(pool), draining_(draining), budget_(budget),
        delivered_token_(request->resume_token()) {
    absl::Status status = Validate();
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return;
    }
    auto position = DecodeResumeToken(*request_);
    if (!position.ok()) {
      Finish(ToGrpcStatus(position.status()));
      return;
    }
    if (position->done) {
      // Resumed after the last page: one empty last page, so every stream
      // ends with last_page and a caller can tell "complete" from "broken".
      writing_.set_resume_token(request_->resume_token());
      writing_.set_page_number(position->pages_delivered);
      writing_.set_total_size(position->contacts_delivered);
      writing_.set_last_page(true);
      write_pending_ = true;
      StartWrite(&writing_);
      return;
    }
    ListContactsPageRequest page_request;
    page_request.location_id = request_->location_id();
    page_request.query = request_->query();
    page_request.limit = *PageSize(request_->page_size());
    pager_ = connection->ListContacts(std::move(page_request), *position);
    std::unique_lock<std::mutex> lock(mu_);
    ScheduleFetchLocked(lock);
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    write_pending_ = false;
    if (!ok) {
      final_ = grpc::Status(grpc::StatusCode::CANCELLED, "the caller stopped reading");
    } else {
      delivered_token_ = writing_.resume_token();
      ContactsStreamedCounter().Increment(static_cast<uint64_t>(writing_.contacts_size()));
      if (writing_.last_page()) final_ = grpc::Status::OK;
    }
    if (final_) {
      FinishIfIdleLocked(lock);
      return;
    }
    if (draining_->load()) {
      EndForShutdownLocked(lock);
      return;
    }
    if (ready_) {
      WriteLocked(lock, std::move(*ready_));
      return;
    }
    if (!fetch_running_) ScheduleFetchLocked(lock);
  }

  void OnDone() override { delete this; }

 private:
  absl::Status Validate() {
    if (auto s = ValidateId("location_id", request_->location_id()); !s.ok()) return s;
    if (auto s = PageSize(request_->page_size()); !s.ok()) return s.status();
    if (request_->query().size() > 256) {
      return absl::InvalidArgumentError("query: longer than 256 characters");
    }
    return ValidateReadMask(request_->read_mask());
  }

  // Requires mu_ (held by `lock`); may release it.
  void ScheduleFetchLocked(std::unique_lock<std::mutex>& lock) {
    if (draining_->load()) {
      EndForShutdownLocked(lock);
      return;
    }
    fetch_running_ = true;
    if (!pool_->Post([this] { Fetch(); })) {
      fetch_running_ = false;
      final_ = ShuttingDown();
      FinishIfIdleLocked(lock);
    }
  }

  // Starts writing `page` (requires mu_, released here), and prefetches the
  // next page unless this one is the last.
  void WriteLocked(std::unique_lock<std::mutex>& lock, ListContactsResponse page) {
    ready_.reset();
    writing_ = std::move(page);
    write_pending_ = true;
    const bool more = !writing_.last_page();
    if (more && !fetch_running_ && !final_) ScheduleFetchLocked(lock);
    lock.unlock();
    StartWrite(&writing_);
  }

  // The gateway is shutting down: end at this page boundary with the token
  // that continues after the last page delivered (requires mu_).
  void EndForShutdownLocked(std::unique_lock<std::mutex>& lock) {
    if (!final_) {
      // The token goes out at Finish: a write still in flight may yet be
      // delivered and move it on.
      resume_trailer_ = true;
      final_ = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            absl::StrCat("ghl-gateway is shutting down; resume with the last page's resume_token "
                                         "(also in trailing metadata ", kResumeTokenMetadata, ")"));
    }
    FinishIfIdleLocked(lock);
  }

  // Finishes with final_ once nothing is outstanding (requires mu_).
  void FinishIfIdleLocked(std::unique_lock<std::mutex>& lock) {
    if (write_pending_ || fetch_running_ || finished_ || !final_) return;
    finished_ = true;
    if (resume_trailer_) context_->AddTrailingMetadata(kResumeTokenMetadata, delivered_token_);
    const grpc::Status status = *final_;
    lock.unlock();
    Finish(status);
  }

  // Runs on the pool: fetches the next page into a response.
  void Fetch() {
    CallScope call(context_);  // the page's GHL requests carry the call's request id
    if (DeferForBudget()) return;  // fetch_running_ stays set: it runs again at the slot
    absl::StatusOr<ListContactsResponse> next = FetchPage();
    std::unique_lock<std::mutex> lock(mu_);
    fetch_running_ = false;
    if (final_) {  // the caller went away meanwhile
      FinishIfIdleLocked(lock);
      return;
    }
    if (!next.ok()) {
      final_ = ToGrpcStatus(next.status());
      FinishIfIdleLocked(lock);
      return;
    }
    if (write_pending_) {
      ready_ = *std::move(next);  // written when the current write is done
      return;
    }
    WriteLocked(lock, *std::move(next));
  }

  // When the location's budget has no slot now, comes back at the slot on a
  // pool timer instead of sleeping on this worker. Not past the deadline:
  // the fetch then fails fast right away. The timer wakes at least every
  // kBudgetRecheck, so a caller that cancels (or a shutdown) while the
  // stream waits for a slot of a long window is noticed within that time.
  bool DeferForBudget() {
    constexpr absl::Duration kBudgetRecheck = absl::Milliseconds(250);
    if (budget_ == nullptr || context_->IsCancelled() || draining_->load()) return false;
    const absl::Time now = DefaultClock().Now();  // the paced transport's clock
    const absl::Duration wait = budget_->EarliestSend(request_->location_id(), now) - now;
    if (wait < absl::Milliseconds(20) || now + wait > FromGrpcDeadline(context_->deadline())) return false;
    return pool_->PostAt(
        std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(std::min(wait, kBudgetRecheck)),
        [this] { Fetch(); });
  }

  // Only Fetch touches the pager, and never two at once.
  absl::StatusOr<ListContactsResponse> FetchPage() {
    if (context_->IsCancelled()) return absl::CancelledError("cancelled by the caller");
    auto page = pager_->NextPage([this] { return context_->IsCancelled(); },
                                 FromGrpcDeadline(context_->deadline()));
    if (!page.ok()) return page.status();
    ListContactsResponse response;
    response.mutable_contacts()->Reserve(static_cast<int>(page->contacts.size()));
    for (auto& contact : page->contacts) {
      Contact* out = response.add_contacts();
      *out = std::move(contact);
      // The mask was validated up front, so this cannot fail.
      (void)ApplyReadMask(request_->read_mask(), out);
    }
    const auto& position = pager_->position();
    response.set_resume_token(EncodeResumeToken(*request_, position));
    response.set_total_size(page->total >= 0 ? page->total : position.contacts_delivered);
    response.set_page_number(position.pages_delivered);
    response.set_last_page(position.done);
    return response;
  }

  grpc::CallbackServerContext* context_;
  const ListContactsRequest* request_;
  WorkerPool* pool_;
  const std::atomic<bool>* draining_;
  RateBudget* budget_;  // may be null (no pacing)
  std::unique_ptr<ContactsPager> pager_;
  std::string delivered_token_;  // guarded by mu_: the token after the last page delivered

  std::mutex mu_;
  ListContactsResponse writing_;               // guarded by mu_ (gRPC reads it while a write is pending)
  std::optional<ListContactsResponse> ready_;  // guarded by mu_: fetched ahead, not yet written
  std::optional<grpc::Status> final_;          // guarded by mu_: how the stream ends
  bool write_pending_ = false;                 // guarded by mu_
  bool fetch_running_ = false;                 // guarded by mu_
  bool finished_ = false;                      // guarded by mu_
  bool resume_trailer_ = false;                // guarded by mu_: send delivered_token_ at Finish
};

}  // namespace

grpc::ServerUnaryReactor* ContactsServiceImpl::RunUnary(grpc::CallbackServerContext* context,
                                                        std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (auto denied = CallerDenied(context)) {
    reactor->Finish(*denied);
    return reactor;
  }
  const bool posted = pool_->Post([context, reactor, work = std::move(work)] {
    absl::Status status;
    {
      CallScope call(context);  // GHL requests carry the call's request id
      status = work();
    }
    reactor->Finish(ToGrpcStatus(status));
  });
  if (!posted) reactor->Finish(ShuttingDown());
  return reactor;
}

grpc::ServerUnaryReactor* ContactsServiceImpl::GetContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::GetContactRequest* request,
    Contact* response) {
  return RunUnary(context, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    if (auto s = ValidateId("contact_id", request->contact_id()); !s.ok()) return s;
    if (auto s = ValidateReadMask(request->read_mask()); !s.ok()) return s;
    auto contact = connection_->GetContact(request->location_id(), request->contact_id(),
                                           [context] { return context->IsCancelled(); },
                                           FromGrpcDeadline(context->deadline()));
    if (!contact.ok()) return contact.status();
    // A contact of another location is not this caller's to see.
    if (contact->has_location_id() && contact->location_id() != request->location_id()) {
      return absl::NotFoundError(absl::StrCat("contact ", request->contact_id(),
                                              " not found in location ", request->location_id()));
    }
    *response = std::move(*contact);
    return ApplyReadMask(request->read_mask(), response);
  });
}

grpc::ServerWriteReactor<ListContactsResponse>* ContactsServiceImpl::ListContacts(
    grpc::CallbackServerContext* context, const ListContactsRequest* request) {
  if (auto denied = CallerDenied(context)) {
    return new FinishedWriteReactor<ListContactsResponse>(*denied);
  }
  return new ListContactsReactor(context, request, connection_.get(), pool_, &draining_, budget_.get());
}

grpc::ServerUnaryReactor* ContactsServiceImpl::CreateContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::CreateContactRequest* request,
    Contact* response) {
  return RunUnary(context, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    const Contact& contact = request->contact();
    if (contact.has_location_id() && contact.location_id() != request->location_id()) {
      return absl::InvalidArgumentError("contact.location_id: differs from location_id");
    }
    auto created = connection_->CreateContact(request->location_id(), contact,
                                              [context] { return context->IsCancelled(); },
                                              FromGrpcDeadline(context->deadline()));
    if (!created.ok()) return created.status();
    *response = std::move(*created);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContactsServiceImpl::UpdateContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::UpdateContactRequest* request,
    Contact* response) {
  return RunUnary(context, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    if (auto s = ValidateId("contact.id", request->contact().id()); !s.ok()) return s;
    if (request->update_mask().paths_size() == 0) {
      return absl::InvalidArgumentError("update_mask: must name at least one field");
    }
    auto updated = connection_->UpdateContact(request->location_id(), request->contact(),
                                              request->update_mask(),
                                              [context] { return context->IsCancelled(); },
                                              FromGrpcDeadline(context->deadline()));
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContactsServiceImpl::DeleteContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::DeleteContactRequest* request,
    google::protobuf::Empty*) {
  return RunUnary(context, [this, context, request]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    if (auto s = ValidateId("contact_id", request->contact_id()); !s.ok()) return s;
    return connection_->DeleteContact(request->location_id(), request->contact_id(),
                                      [context] { return context->IsCancelled(); },
                                      FromGrpcDeadline(context->deadline()));
  });
}

}  // namespace ghl::server
