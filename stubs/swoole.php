<?php
/**
 * IDE and static-analysis stubs for the swoole-rs extension (Swoole 6.1.7 API subset).
 *
 * Every class, method, property, function and constant the extension registers is declared
 * here; php-tests/stubs_match_extension.phpt compares this file with what Reflection reports
 * from the loaded extension, so the two cannot drift.
 *
 * @generated-constants Constants at the end of the file can be refreshed with
 * `php -d extension=target/release/libswoole.so stubs/dump-constants.php`.
 */

namespace Swoole {
    /** Thrown by Server::__construct() (bind failures: code = errno) and Server::start(). */
    class Exception extends \Exception
    {
    }

    /**
     * An event-driven TCP or unix-stream server, compatible with Swoole\Server (SWOOLE_BASE,
     * one worker process).
     */
    class Server
    {
        /** @var array|null Options given to set(), merged; null before set(). */
        public $setting;
        public string $host;
        /** The bound port; the kernel-chosen one when constructed with port 0. */
        public int $port;
        public int $mode;
        public int $type;
        public bool $ssl;
        /** The server process pid while running, 0 otherwise. */
        public int $master_pid;
        /** Always 0: one worker, no manager process. */
        public int $manager_pid;
        /** 0 inside the running server, -1 outside it. */
        public int $worker_id;
        public int $worker_pid;
        public bool $taskworker;
        public \Swoole\Connection\Iterator $connections;
        /** @var \Swoole\Server\Port[] $ports [0] is the server's own port. */
        public array $ports;

        /**
         * Binds the listening socket (listen() happens in start()).
         * @throws \Swoole\Exception when the address cannot be bound (code = errno).
         * @throws \Error for an invalid $mode.
         */
        public function __construct(string $host, int $port = 0, int $mode = SWOOLE_BASE, int $sock_type = SWOOLE_SOCK_TCP) {}

        /**
         * Merges options into $setting. Unknown keys warn; a value of the wrong type throws
         * \TypeError and an invalid one \ValueError, naming the option.
         */
        public function set(array $settings): bool {}

        /** Registers a callback; names are case-insensitive and given without the "on" prefix. */
        public function on(string $event_name, callable $callback): bool {}

        public function getCallback(string $event_name): mixed {}

        /** Runs the event loop until shutdown(), SIGTERM or SIGINT; then returns true. */
        public function start(): bool {}

        /** Binary-safe; false with getLastError() == SWOOLE_ERROR_SESSION_NOT_EXIST for an unknown fd. */
        public function send(int|string $fd, string $send_data, ?int $server_socket = null): bool {}

        /** Runs onClose (reactor id -1) before returning; $reset drops queued output and sends RST. */
        public function close(int $fd, bool $reset = false): bool {}

        public function exists(int $fd): bool {}

        /** Alias of exists(). */
        public function exist(int $fd): bool {}

        /** @return array|false Swoole's keys (server_port, server_fd, socket_fd, …, send_queued_bytes). */
        public function getClientInfo(int $fd, int $reactor_id = -1, bool $ignore_error = false): array|false {}

        /** Alias of getClientInfo(). */
        public function connection_info(int $fd, int $reactor_id = -1, bool $ignore_error = false): array|false {}

        /** @return int[]|false Up to $find_count (≤ 100) session ids above $start_fd. */
        public function getClientList(int $start_fd = 0, int $find_count = 10): array|false {}

        /** Alias of getClientList(). */
        public function connection_list(int $start_fd = 0, int $find_count = 10): array|false {}

        /** @return array|false Counters with Swoole's keys. */
        public function stats(): array|false {}

        public function getLastError(): int {}

        /** Graceful: every connection gets onClose, then WorkerStop and Shutdown run. */
        public function shutdown(): bool {}
        public function reload(bool $only_reload_taskworker = false): bool {}

        /** Stops reading from a connection. */
        public function pause(int $fd): bool {}

        public function resume(int $fd): bool {}

        /** Alias of resume(). */
        public function confirm(int $fd): bool {}
        public function sendfile(int $fd, string $filename, int $offset = 0, int $length = 0): bool {}
        public function sendwait(int $fd, mixed $send_data): bool {}
        public function heartbeat(bool $if_close_connection = true): array|false {}
        public function protect(int $fd, bool $is_protected = true): bool {}

        public function getMasterPid(): int {}

        public function getManagerPid(): int {}

        public function getWorkerId(): int|false {}

        public function getWorkerPid(int $worker_id = -1): int|false {}
    }
}

namespace Swoole\Server {
    /** A listening port; obtained from $server->ports, not constructed. */
    class Port
    {
        public string $host;
        public int $port;
        public int $type;

        /** @throws \Error always: use Swoole\Server->listen(). */
        public function __construct() {}
    }
}

namespace Swoole\Connection {
    /** The open sessions of a server: iterate for fds, count(), $it[$fd] for client info. */
    class Iterator implements \Iterator, \ArrayAccess, \Countable
    {
        /** @throws \Error always: use Swoole\Server->connections. */
        public function __construct() {}
        public function rewind(): void {}
        public function next(): void {}
        public function current(): mixed {}
        public function key(): int {}
        public function valid(): bool {}
        public function count(): int {}
        public function offsetExists(mixed $fd): bool {}
        public function offsetGet(mixed $fd): mixed {}
        public function offsetSet(mixed $fd, mixed $value): void {}
        public function offsetUnset(mixed $fd): void {}
    }
}

namespace Swoole {
    /** Timers on the running server's event loop (create them in onWorkerStart or later). */
    class Timer
    {
        public function __construct() {}
        /** Calls $callback($timer_id, ...$params) every $ms milliseconds. */
        public static function tick(int $ms, callable $callback, mixed ...$params): int|false {}
        /** Calls $callback(...$params) once after $ms milliseconds. */
        public static function after(int $ms, callable $callback, mixed ...$params): int|false {}
        public static function clear(int $timer_id): bool {}
        public static function clearAll(): bool {}
        public static function exists(int $timer_id): bool {}
        /** @return int[] */
        public static function list(): array {}
        public static function info(int $timer_id): ?array {}
        public static function stats(): array {}
    }
}

namespace {
    function swoole_last_error(): int {}
    function swoole_errno(): int {}
    function swoole_clear_error(): void {}
    function swoole_strerror(int $errno, ?int $error_type = null): string {}
    function swoole_cpu_num(): int {}
    function swoole_timer_tick(int $ms, callable $callback, mixed ...$params): int|false {}
    function swoole_timer_after(int $ms, callable $callback, mixed ...$params): int|false {}
    function swoole_timer_clear(int $timer_id): bool {}
    function swoole_timer_clear_all(): bool {}
    function swoole_timer_exists(int $timer_id): bool {}
    /** @return int[] */
    function swoole_timer_list(): array {}

    const SWOOLE_VERSION = '6.1.7';
    const SWOOLE_EXTRA_VERSION = '';
    const SWOOLE_DEBUG = false;
    const SWOOLE_USE_SHORTNAME = true;
    const SWOOLE_BASE = 1;
    const SWOOLE_PROCESS = 2;
    const SWOOLE_SOCK_TCP = 1;
    const SWOOLE_SOCK_UDP = 2;
    const SWOOLE_SOCK_TCP6 = 3;
    const SWOOLE_SOCK_UDP6 = 4;
    const SWOOLE_SOCK_UNIX_STREAM = 5;
    const SWOOLE_SOCK_UNIX_DGRAM = 6;
    const SWOOLE_SOCK_RAW = 7;
    const SWOOLE_SOCK_RAW6 = 8;
    const SWOOLE_TCP = 1;
    const SWOOLE_UDP = 2;
    const SWOOLE_TCP6 = 3;
    const SWOOLE_UDP6 = 4;
    const SWOOLE_UNIX_STREAM = 5;
    const SWOOLE_UNIX_DGRAM = 6;
    const SWOOLE_RAW = 7;
    const SWOOLE_RAW6 = 8;
    const SWOOLE_DISPATCH_ROUND = 1;
    const SWOOLE_DISPATCH_FDMOD = 2;
    const SWOOLE_DISPATCH_IDLE_WORKER = 3;
    const SWOOLE_DISPATCH_IPMOD = 4;
    const SWOOLE_DISPATCH_UIDMOD = 5;
    const SWOOLE_DISPATCH_USERFUNC = 6;
    const SWOOLE_DISPATCH_CO_CONN_LB = 8;
    const SWOOLE_DISPATCH_CO_REQ_LB = 9;
    const SWOOLE_DISPATCH_CONCURRENT_LB = 10;
    const SWOOLE_WORKER_BUSY = 1;
    const SWOOLE_WORKER_IDLE = 2;
    const SWOOLE_WORKER_EXIT = 3;
    const SWOOLE_LOG_DEBUG = 0;
    const SWOOLE_LOG_TRACE = 1;
    const SWOOLE_LOG_INFO = 2;
    const SWOOLE_LOG_NOTICE = 3;
    const SWOOLE_LOG_WARNING = 4;
    const SWOOLE_LOG_ERROR = 5;
    const SWOOLE_LOG_NONE = 6;
    const SWOOLE_STRERROR_SYSTEM = 0;
    const SWOOLE_STRERROR_GAI = 1;
    const SWOOLE_STRERROR_DNS = 2;
    const SWOOLE_STRERROR_SWOOLE = 9;
    const SWOOLE_VERSION_ID = 60107;
    const SWOOLE_MAJOR_VERSION = 6;
    const SWOOLE_MINOR_VERSION = 1;
    const SWOOLE_RELEASE_VERSION = 7;
    const SWOOLE_ERROR_MALLOC_FAIL = 501;
    const SWOOLE_ERROR_SYSTEM_CALL_FAIL = 502;
    const SWOOLE_ERROR_PHP_FATAL_ERROR = 503;
    const SWOOLE_ERROR_NAME_TOO_LONG = 504;
    const SWOOLE_ERROR_INVALID_PARAMS = 505;
    const SWOOLE_ERROR_QUEUE_FULL = 506;
    const SWOOLE_ERROR_OPERATION_NOT_SUPPORT = 507;
    const SWOOLE_ERROR_PROTOCOL_ERROR = 508;
    const SWOOLE_ERROR_WRONG_OPERATION = 509;
    const SWOOLE_ERROR_PHP_RUNTIME_NOTICE = 510;
    const SWOOLE_ERROR_FOR_TEST = 511;
    const SWOOLE_ERROR_NO_PAYLOAD = 550;
    const SWOOLE_ERROR_UNDEFINED_BEHAVIOR = 600;
    const SWOOLE_ERROR_NOT_THREAD_SAFETY = 601;
    const SWOOLE_ERROR_FILE_NOT_EXIST = 700;
    const SWOOLE_ERROR_FILE_TOO_LARGE = 701;
    const SWOOLE_ERROR_FILE_EMPTY = 702;
    const SWOOLE_ERROR_SESSION_CLOSED_BY_SERVER = 1001;
    const SWOOLE_ERROR_SESSION_CLOSED_BY_CLIENT = 1002;
    const SWOOLE_ERROR_SESSION_CLOSING = 1003;
    const SWOOLE_ERROR_SESSION_CLOSED = 1004;
    const SWOOLE_ERROR_SESSION_NOT_EXIST = 1005;
    const SWOOLE_ERROR_SESSION_INVALID_ID = 1006;
    const SWOOLE_ERROR_SESSION_DISCARD_TIMEOUT_DATA = 1007;
    const SWOOLE_ERROR_SESSION_DISCARD_DATA = 1008;
    const SWOOLE_ERROR_OUTPUT_BUFFER_OVERFLOW = 1009;
    const SWOOLE_ERROR_OUTPUT_SEND_YIELD = 1010;
    const SWOOLE_ERROR_SSL_NOT_READY = 1011;
    const SWOOLE_ERROR_PACKAGE_LENGTH_TOO_LARGE = 1201;
    const SWOOLE_ERROR_PACKAGE_LENGTH_NOT_FOUND = 1202;
    const SWOOLE_ERROR_DATA_LENGTH_TOO_LARGE = 1203;
    const SWOOLE_ERROR_PACKAGE_MALFORMED_DATA = 1204;
    const SWOOLE_ERROR_TASK_PACKAGE_TOO_BIG = 2001;
    const SWOOLE_ERROR_TASK_DISPATCH_FAIL = 2002;
    const SWOOLE_ERROR_TASK_TIMEOUT = 2003;
    const SWOOLE_ERROR_SERVER_MUST_CREATED_BEFORE_CLIENT = 9001;
    const SWOOLE_ERROR_SERVER_TOO_MANY_SOCKET = 9002;
    const SWOOLE_ERROR_SERVER_WORKER_TERMINATED = 9003;
    const SWOOLE_ERROR_SERVER_INVALID_LISTEN_PORT = 9004;
    const SWOOLE_ERROR_SERVER_TOO_MANY_LISTEN_PORT = 9005;
    const SWOOLE_ERROR_SERVER_PIPE_BUFFER_FULL = 9006;
    const SWOOLE_ERROR_SERVER_NO_IDLE_WORKER = 9007;
    const SWOOLE_ERROR_SERVER_ONLY_START_ONE = 9008;
    const SWOOLE_ERROR_SERVER_SEND_IN_MASTER = 9009;
    const SWOOLE_ERROR_SERVER_INVALID_REQUEST = 9010;
    const SWOOLE_ERROR_SERVER_CONNECT_FAIL = 9011;
    const SWOOLE_ERROR_SERVER_INVALID_COMMAND = 9012;
    const SWOOLE_ERROR_SERVER_IS_NOT_REGULAR_FILE = 9013;
    const SWOOLE_ERROR_SERVER_SEND_TO_WOKER_TIMEOUT = 9014;
    const SWOOLE_ERROR_SERVER_INVALID_CALLBACK = 9015;
    const SWOOLE_ERROR_SERVER_UNRELATED_THREAD = 9016;
    const SWOOLE_ERROR_SERVER_WORKER_EXIT_TIMEOUT = 9101;
    const SWOOLE_ERROR_SERVER_WORKER_ABNORMAL_PIPE_DATA = 9102;
    const SWOOLE_ERROR_SERVER_WORKER_UNPROCESSED_DATA = 9103;
}
