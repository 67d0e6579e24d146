// TagsServiceImpl: the gRPC TagsService over TagsConnection. Translation
// only: validate the request (INVALID_ARGUMENT naming the field, before any
// upstream call), run the connection call on the worker pool (never on a
// gRPC thread), map the result to gRPC status. Tags are lists end to end;
// nothing here splits or joins on commas.
//
// Thread-safety: one instance serves all calls concurrently. The connection
// and pool must outlive the gRPC server.
#ifndef GHL_SERVER_TAGS_SERVICE_IMPL_H_
#define GHL_SERVER_TAGS_SERVICE_IMPL_H_

#include <memory>

#include "adapters/ghl/contacts/resource_connections.h"
#include "ghl/contacts/v1/tags_service.grpc.pb.h"
#include "server/worker_pool.h"

namespace ghl::server {

class TagsServiceImpl final : public ghl::contacts::v1::TagsService::CallbackService {
 public:
  TagsServiceImpl(std::shared_ptr<ghl::contacts::TagsConnection> connection, WorkerPool* pool)
      : connection_(std::move(connection)), pool_(pool) {}

  grpc::ServerUnaryReactor* AddTags(grpc::CallbackServerContext* context,
                                    const ghl::contacts::v1::AddTagsRequest* request,
                                    ghl::contacts::v1::AddTagsResponse* response) override;
  grpc::ServerUnaryReactor* RemoveTags(grpc::CallbackServerContext* context,
                                       const ghl::contacts::v1::RemoveTagsRequest* request,
                                       ghl::contacts::v1::RemoveTagsResponse* response) override;
  grpc::ServerUnaryReactor* BulkUpdateTags(
      grpc::CallbackServerContext* context, const ghl::contacts::v1::BulkUpdateTagsRequest* request,
      ghl::contacts::v1::BulkUpdateTagsResponse* response) override;

 private:
  std::shared_ptr<ghl::contacts::TagsConnection> connection_;
  WorkerPool* pool_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_TAGS_SERVICE_IMPL_H_
