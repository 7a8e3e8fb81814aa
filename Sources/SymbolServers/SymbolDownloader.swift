//===--- SymbolDownloader.swift - One file over HTTP, bounded ---------------===//
//
// GETs one URL with AsyncHTTPClient and streams the body into a file, enforcing
// what a file from a stranger's server needs: a size limit (the Content-Length is
// checked before the body, the bytes as they come), a deadline for the whole request,
// redirects followed at most five times and never in a cycle, a connection that
// cannot be made failing the request at once (the caller decides whether to try
// again: SymbolServerFetcher's bounded retries) rather than being retried by the
// connection pool until the deadline, and a clear outcome: stored, absent (404/410), or failed with the
// reason. The event-loop API is used (not async/await) so that synchronous callers —
// a store lookup inside a batch — never block a Swift concurrency thread waiting for
// work that needs one.
//
//===----------------------------------------------------------------------===//

import AsyncHTTPClient
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
  import Glibc
#endif

/// What one download came to.
public enum DownloadOutcome: Sendable, Equatable {
  /// The body is in the file; this many bytes.
  case stored(bytes: Int)
  /// The server has no such file (404 or 410).
  case absent
  /// The server answered, but not with the file: a status, a limit, a cut body; the reason.
  /// `retryable` for failures another attempt may not meet (5xx, a connection lost mid-body).
  case failed(reason: String, retryable: Bool)
  /// The server never answered: no connection, or no response head within the time limit.
  /// Worth another attempt; after that, the server is down for now.
  case unreachable(reason: String)
}

/// Downloads single files with limits.
public struct SymbolDownloader: Sendable {
  /// The most bytes one file may have.
  public var maximumBytes: Int
  /// The longest one request may take, in seconds.
  public var timeoutSeconds: Int64

  /// A downloader with these limits.
  public init(maximumBytes: Int, timeoutSeconds: Int64) {
    self.maximumBytes = maximumBytes
    self.timeoutSeconds = timeoutSeconds
  }

  /// The client every download uses: at most five redirects and no cycle; 10 s to connect;
  /// a refused or failed connection fails the request instead of being retried by the pool
  /// (AsyncHTTPClient's shared client retries it until the deadline: a server that is down
  /// would cost each request its whole time limit).
  static let client: HTTPClient = {
    var configuration = HTTPClient.Configuration(
      redirectConfiguration: .follow(max: 5, allowCycles: false),
      timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10)),
      decompression: .enabled(limit: .ratio(25)))
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }()

  /// GETs `url` into the file descriptor `descriptor` (open for writing, empty).
  public func download(_ url: String, into descriptor: Int32) -> DownloadOutcome {
    let request: HTTPClient.Request
    do {
      request = try HTTPClient.Request(url: url, method: .GET)
    } catch {
      return .failed(reason: "not a URL the client reads", retryable: false)
    }
    let delegate = BodyToFile(descriptor: descriptor, limit: maximumBytes)
    let task = Self.client.execute(
      request: request, delegate: delegate, deadline: .now() + .seconds(timeoutSeconds))
    do {
      return try task.futureResult.wait()
    } catch let error as BodyToFile.Failure {
      return .failed(reason: error.reason, retryable: false)
    } catch let error as HTTPClientError where error == .redirectLimitReached || error == .redirectCycleDetected {
      return .failed(reason: "too many redirects", retryable: false)
    } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
      // The future has completed: the delegate's last call happened before it.
      guard delegate.hasAnswered else { return .unreachable(reason: "no answer within \(timeoutSeconds) s") }
      return .failed(reason: "the file did not arrive within \(timeoutSeconds) s", retryable: true)
    } catch {
      guard delegate.hasAnswered else { return .unreachable(reason: "\(error)") }
      return .failed(reason: "\(error)", retryable: true)
    }
  }
}

/// Writes a 200 response's body to a file descriptor; anything else becomes an outcome.
final class BodyToFile: HTTPClientResponseDelegate, @unchecked Sendable {
  // Sendable: AsyncHTTPClient calls a delegate on one event loop, one call at a time.
  typealias Response = DownloadOutcome

  struct Failure: Error {
    var reason: String
  }

  private let descriptor: Int32
  private let limit: Int
  private var written = 0
  private var status: UInt = 0

  /// Whether a response head arrived (read once the request's future has completed).
  var hasAnswered: Bool { status != 0 }

  init(descriptor: Int32, limit: Int) {
    self.descriptor = descriptor
    self.limit = limit
  }

  func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
    status = head.status.code
    if status == 200, let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length > limit {
      return task.eventLoop.makeFailedFuture(Failure(reason: "the file is \(length) bytes, over the \(limit)-byte limit"))
    }
    return task.eventLoop.makeSucceededVoidFuture()
  }

  func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
    guard status == 200 else { return task.eventLoop.makeSucceededVoidFuture() }
    guard buffer.readableBytes <= limit - written else {
      return task.eventLoop.makeFailedFuture(Failure(reason: "the file is over the \(limit)-byte limit"))
    }
    let ok = buffer.withUnsafeReadableBytes { bytes -> Bool in
      var offset = 0
      while offset < bytes.count {
        let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { return false }
        offset += count
      }
      return true
    }
    guard ok else { return task.eventLoop.makeFailedFuture(Failure(reason: "cannot write the cache file: errno \(errno)")) }
    written += buffer.readableBytes
    return task.eventLoop.makeSucceededVoidFuture()
  }

  func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
    switch status {
    case 200: return .stored(bytes: written)
    case 404, 410: return .absent
    case 500...599: return .failed(reason: "HTTP \(status)", retryable: true)
    default: return .failed(reason: "HTTP \(status)", retryable: false)
    }
  }
}
