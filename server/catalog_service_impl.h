// CatalogServiceImpl: the gRPC CatalogService. ListEventTypes answers from
// the compiled EventType enum and its (event_description) options, so the
// list of webhook triggers has one source: events.proto.
//
// Why a service at all: registering it makes events.proto part of what the
// gateway serves through reflection, which is how `ghlctl catalog` finds the
// event types without a hand-kept list; callers without reflection use the
// RPC.
//
// Thread-safety: immutable after construction; serves calls concurrently.
// No upstream call and no blocking, so calls finish on the gRPC thread.
#ifndef GHL_SERVER_CATALOG_SERVICE_IMPL_H_
#define GHL_SERVER_CATALOG_SERVICE_IMPL_H_

#include "ghl/contacts/v1/catalog_service.grpc.pb.h"

namespace ghl::server {

/// @return every EventType value except EVENT_TYPE_UNSPECIFIED, in enum
///         order, each with its (event_description) option.
ghl::contacts::v1::ListEventTypesResponse BuildEventTypeList();

class CatalogServiceImpl final : public ghl::contacts::v1::CatalogService::CallbackService {
 public:
  CatalogServiceImpl();

  grpc::ServerUnaryReactor* ListEventTypes(grpc::CallbackServerContext* context,
                                           const ghl::contacts::v1::ListEventTypesRequest* request,
                                           ghl::contacts::v1::ListEventTypesResponse* response) override;

 private:
  const ghl::contacts::v1::ListEventTypesResponse event_types_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_CATALOG_SERVICE_IMPL_H_
