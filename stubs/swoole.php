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
     * An event-driven TCP, UDP and unix socket server with extra ports (listen()),
     * compatible with Swoole\Server (SWOOLE_BASE).
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
        /** Created with SWOOLE_SSL (TLS on the primary listener; see README "TLS"). */
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

        /**
         * Adds a listening port before start() (SWOOLE_SOCK_TCP/TCP6/UDP/UDP6/UNIX_STREAM/
         * UNIX_DGRAM); port 0 picks a free one. False, with a warning, if it cannot be bound
         * or the server runs.
         */
        public function listen(string $host, int $port, int $sock_type): \Swoole\Server\Port|false {}

        /** Alias of listen(). */
        public function addlistener(string $host, int $port, int $sock_type): \Swoole\Server\Port|false {}

        /**
         * The listening socket of the port bound to $port (0: the server's own) as an
         * ext-sockets Socket (e.g. to join a multicast group). It holds a duplicate of the
         * server's descriptor: socket_close() leaves the server serving; options and the
         * blocking mode are shared (keep it non-blocking). False, with a warning, without
         * ext-sockets, for a port the server lacks, or where the listener is not open (task
         * workers; PROCESS-mode workers for stream ports).
         */
        public function getSocket(int $port = 0): \Socket|false {}

        /**
         * Sends a datagram from a UDP/UDP6/unix datagram port ($ip starting with "/" is a unix
         * path); $server_socket picks the port by its sock, -1 the first of that family.
         */
        public function sendto(string $ip, int $port, string $data, int $server_socket = -1): bool {}

        /** Binary-safe; false with getLastError() == SWOOLE_ERROR_SESSION_NOT_EXIST for an unknown fd. */
        public function send(int|string $fd, string $send_data, ?int $server_socket = null): bool {}

        /** Runs onClose (reactor id -1) before returning; $reset drops queued output and sends RST. */
        public function close(int $fd, bool $reset = false): bool {}

        public function exists(int $fd): bool {}

        /**
         * Stops worker $worker_id gracefully (-1: this one, after the current callback; its
         * WorkerStop runs and the manager replaces it at once). With a single process the
         * server shuts down. False, with a warning (505), for an id that is no worker's.
         */
        public function stop(int $worker_id = -1): bool {}

        /** Alias of exists(). */
        public function exist(int $fd): bool {}

        /** @return array|false Swoole's keys (server_port, server_fd, socket_fd, …, send_queued_bytes; ssl_client_cert: PEM of a verified TLS client certificate). */
        public function getClientInfo(int $fd, int $reactor_id = -1, bool $ignore_error = false): array|false {}

        /** Alias of getClientInfo(). */
        public function connection_info(int $fd, int $reactor_id = -1, bool $ignore_error = false): array|false {}

        /** @return int[]|false Up to $find_count (≤ 100) session ids above $start_fd. */
        public function getClientList(int $start_fd = 0, int $find_count = 10): array|false {}

        /** Alias of getClientList(). */
        public function connection_list(int $start_fd = 0, int $find_count = 10): array|false {}

        /** @return array|false Counters with Swoole's keys (plus ssl_handshake_fail_count on SWOOLE_SSL servers). */
        public function stats(): array|false {}
        /** stats() as OpenMetrics text (server-wide and per worker, with memory and event-loop lag); false when not running. */
        public function getMetrics(): string|false {}

        public function getLastError(): int {}

        /** Graceful: every connection gets onClose, then WorkerStop and Shutdown run. */
        public function shutdown(): bool {}
        /** SIGUSR1 to the manager (every worker), or SIGUSR2 (task workers only). TLS: certificate files are re-read (single process: in place). */
        public function reload(bool $only_reload_taskworker = false): bool {}

        /** @return int|false The task id (may be 0: compare with ===). Non-strings are serialize()d. */
        public function task(mixed $data, int $taskWorkerIndex = -1, ?callable $finishCallback = null): int|false {}

        /** Blocks this worker; false on timeout. */
        public function taskwait(mixed $data, float $timeout = 0.5, int $taskWorkerIndex = -1): mixed {}

        /** Results keyed like $tasks; timed-out ones are missing. */
        public function taskWaitMulti(array $tasks, float $timeout = 0.5): array|false {}

        /** @throws \Error always: needs coroutines, not implemented yet. */
        public function taskCo(array $tasks, float $timeout = 0.5): array|false {}

        /** In a task worker: the result of the task being run (once per task). */
        public function finish(mixed $data): bool {}

        /** To onPipeMessage in an event or task worker. */
        public function sendMessage(mixed $message, int $dst_worker_id): bool {}

        /** Stops reading from a connection. */
        public function pause(int $fd): bool {}

        public function resume(int $fd): bool {}

        /** Alias of resume(). */
        public function confirm(int $fd): bool {}
        public function sendfile(int $fd, string $filename, int $offset = 0, int $length = 0): bool {}
        public function sendwait(int $fd, mixed $send_data): bool {}
        public function heartbeat(bool $if_close_connection = true): array|false {}
        public function protect(int $fd, bool $is_protected = true): bool {}

        /** SWOOLE_PROCESS with dispatch_mode 5: the session's packets go to worker $uid % worker_num. */
        public function bind(int $fd, int $uid): bool {}

        public function getMasterPid(): int {}

        public function getManagerPid(): int {}

        public function getWorkerId(): int|false {}

        public function getWorkerPid(int $worker_id = -1): int|false {}

        /** Before start(): the manager runs it (first), restarts it when it dies, stops it at shutdown. */
        public function addProcess(\Swoole\Process $process): int|false {}

        /** SWOOLE_WORKER_BUSY, SWOOLE_WORKER_IDLE or SWOOLE_WORKER_EXIT. */
        public function getWorkerStatus(int $worker_id = -1): int|false {}
    }
}

namespace Swoole {
    /** A child process with a pipe to its parent; standalone or with Server->addProcess(). */
    class Process
    {
        /** Or'ed into useQueue()'s mode: push() and pop() never block. */
        const IPC_NOWAIT = 256;
        const PIPE_MASTER = 1;
        const PIPE_WORKER = 2;
        const PIPE_READ = 3;
        const PIPE_WRITE = 4;
        const PIPE_TYPE_NONE = 0;
        const PIPE_TYPE_STREAM = 1;
        const PIPE_TYPE_DGRAM = 2;

        public int $pid;
        public int $pipe;

        public function __construct(callable $callback, bool $redirect_stdin_and_stdout = false, int $pipe_type = 2, bool $enable_coroutine = false) {}

        /** Not inside a running server (use Server->addProcess()). */
        public function start(): int|false {}

        public function write(string $data): int|false {}

        /**
         * Opens (creates) the System V message queue $key (0: derived from the main script's
         * path, as ftok()); the child shares it. $mode | Process::IPC_NOWAIT: push/pop never
         * block. $capacity > 0: the queue's size in bytes. It lasts until freeQueue().
         */
        public function useQueue(int $key = 0, int $mode = 2, int $capacity = -1): bool {}

        /** At most 65,536 bytes and the kernel's kernel.msgmax (8192 by default). */
        public function push(string $data): bool {}

        /** The next message, or false (IPC_NOWAIT and empty: last error 42). */
        public function pop(int $size = 65536): string|false {}

        /** @return array{queue_num: int, queue_bytes: int}|false */
        public function statQueue(): array|false {}

        public function freeQueue(): bool {}

        /** Blocks until data arrives. */
        public function read(int $size = 8192): string|false {}

        /** @throws \Error always: needs coroutines, not implemented yet. */
        public function exportSocket(): false {}

        public function name(string $process_name): bool {}

        /** In the child only. */
        public function exit(int $exit_code = 0): bool {}

        public static function kill(int $pid, int $signal_no = 15): bool {}

        /** @return array{pid: int, code: int, signal: int}|false */
        public static function wait(bool $blocking = true): array|false {}

        /** Not supported yet: warns and returns false. */
        public static function signal(int $signal_no, ?callable $callback = null): bool {}

        /** Only alarm(0) (clear) is supported yet. */
        public static function alarm(int $usec, int $type = 0): bool {}
    }
}

namespace Swoole\Server {
    /** A listening port; obtained from $server->ports, not constructed. */
    /**
     * A listener: $server->ports[0] is the server's own, listen()/addlistener() add others.
     * Each has its own options (the server's set() options with Port::set() over them)
     * and its own callbacks (falling back to the server's).
     */
    class Port
    {
        public string $host;
        /** The bound port; the kernel-chosen one for port 0 (0 for unix sockets). */
        public int $port;
        /** SWOOLE_SOCK_* (without SWOOLE_SSL). */
        public int $type;
        /** The listening socket's descriptor (server_fd / server_socket). */
        public int $sock;
        public bool $ssl;
        /** @var array|null What Port::set() was given (port 0: the server's set() too). */
        public $setting;
        /** Only this port's sessions. */
        public \Swoole\Connection\Iterator $connections;

        /** @throws \Error always: use Swoole\Server->listen(). */
        public function __construct() {}

        /** This port's listening socket as an ext-sockets Socket; see Server::getSocket(). */
        public function getSocket(): \Socket|false {}

        /**
         * Port-level options (framing, buffers, TCP options, heartbeat) for this port only,
         * applied over the server's. Validated like Server::set().
         */
        public function set(array $settings): void {}

        /** Connect, Receive, Close, Packet, BufferFull, BufferEmpty for this port. */
        public function on(string $event_name, callable $callback): bool {}

        /** This port's own callback (port 0: the server's), or null. */
        public function getCallback(string $event_name): mixed {}
    }

    /** A task as onTask gets it with task_enable_coroutine / task_object. */
    class Task
    {
        public mixed $data;
        public int $id;
        public int $worker_id;
        public int $flags;
        public float $dispatch_time;

        public function __construct() {}

        /** Sends the result to the worker that sent the task. */
        public function finish(mixed $data): bool {}

        /** A flag byte (1: serialized) and the bytes. */
        public static function pack(mixed $data): string|false {}

        /** The inverse of pack(); false for anything else. */
        public static function unpack(mixed $data): mixed {}
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

namespace Swoole {
    /**
     * A fixed-size hash table in shared memory. Declare columns, call create() before
     * Server::start(), and every worker reads and writes the same rows. Rows are locked per
     * bucket with locks a dead process cannot wedge; readers never see a half-written row.
     */
    class Table implements \Iterator, \Countable
    {
        public const TYPE_INT = 1;
        public const TYPE_FLOAT = 2;
        public const TYPE_STRING = 3;
        /** @var int|null Rows in the hash after create() (rounded up), null before. */
        public $size;
        /** @var int|null Bytes of shared memory mapped by create(), null before. */
        public $memorySize;

        /** $table_size is rounded up to a power of two, at least 64. */
        public function __construct(int $table_size, float $conflict_proportion = 0.2) {}
        /** $size: bytes a TYPE_STRING column holds (longer values are cut and logged). */
        public function column(string $name, int $type, int $size = 0): bool {}
        public function create(): bool {}
        public function destroy(): bool {}
        /** Keys longer than 63 bytes are cut with a warning; false (and a warning) when full. */
        public function set(string $key, array $value): bool {}
        public function get(string $key, ?string $field = null): array|string|int|float|false {}
        public function count(): int {}
        public function del(string $key): bool {}
        public function delete(string $key): bool {}
        public function exists(string $key): bool {}
        public function exist(string $key): bool {}
        public function incr(string $key, string $column, int|float $incrby = 1): int|float|false {}
        public function decr(string $key, string $column, int|float $incrby = 1): int|float|false {}
        public function getSize(): int {}
        public function getMemorySize(): int {}
        /** Swoole's counters plus recovered_locks (row locks taken over from dead processes). */
        public function stats(): array|false {}
        public function rewind(): void {}
        public function valid(): bool {}
        public function next(): void {}
        public function current(): mixed {}
        public function key(): mixed {}
    }

    /** An unsigned 32-bit counter shared by every process forked after it was made. */
    class Atomic
    {
        public function __construct(int $value = 0) {}
        public function add(int $add_value = 1): int {}
        public function sub(int $sub_value = 1): int {}
        public function get(): int {}
        public function set(int $value): void {}
        /** Futex wait: true when woken by wakeup(), false on timeout; negative: forever. */
        public function wait(float $timeout = 1.0): bool {}
        public function wakeup(int $count = 1): bool {}
        public function cmpset(int $cmp_value, int $new_value): bool {}
    }

    /**
     * A process-shared lock. A process that dies holding it does not wedge the others: the
     * next waiter takes it over within about 20 ms.
     */
    class Lock
    {
        public const MUTEX = 3;
        public const RWLOCK = 1;
        public const SPINLOCK = 5;
        /** errno of the last failed lock(): EBUSY (LOCK_NB), ETIMEDOUT, EDEADLK. */
        public int $errCode = 0;

        /** @throws Exception for an unknown type. */
        public function __construct(int $type = SWOOLE_MUTEX) {}
        /** LOCK_EX, LOCK_SH (read lock on an RWLOCK), | LOCK_NB to try; $timeout seconds if > 0. */
        public function lock(int $operation = LOCK_EX, float $timeout = -1): bool {}
        public function unlock(): bool {}
    }
}

namespace Swoole\Atomic {
    /** A signed 64-bit counter shared by every process forked after it was made. */
    class Long
    {
        public function __construct(int $value = 0) {}
        public function add(int $add_value = 1): int {}
        public function sub(int $sub_value = 1): int {}
        public function get(): int {}
        public function set(int $value): void {}
        public function cmpset(int $cmp_value, int $new_value): bool {}
    }
}

namespace {
    function swoole_last_error(): int {}
    function swoole_errno(): int {}
    function swoole_clear_error(): void {}
    function swoole_strerror(int $errno, ?int $error_type = null): string {}
    function swoole_cpu_num(): int {}
    /** Sets what `ps` shows for this process: the command line, and the kernel's 15-byte name. */
    function swoole_set_process_name(string $process_name): bool {}
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
    /** OR-ed into a TCP socket type: the listener serves TLS (ssl_* options of set()). */
    const SWOOLE_SSL = 512;
    /** ssl_protocols bits; only TLSv1_2 and TLSv1_3 are served (rustls). */
    const SWOOLE_SSL_TLSv1 = 8;
    const SWOOLE_SSL_TLSv1_1 = 16;
    const SWOOLE_SSL_TLSv1_2 = 32;
    const SWOOLE_SSL_TLSv1_3 = 64;
    const SWOOLE_SSL_DTLS = 128;
    const SWOOLE_SSL_SSLv2 = 2;
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
    const SWOOLE_MSGQUEUE_ORIENT = 1;
    const SWOOLE_MSGQUEUE_BALANCE = 2;
    const SWOOLE_LOG_ERROR = 5;
    const SWOOLE_LOG_NONE = 6;
    const SWOOLE_LOG_ROTATION_SINGLE = 0;
    const SWOOLE_LOG_ROTATION_MONTHLY = 1;
    const SWOOLE_LOG_ROTATION_DAILY = 2;
    const SWOOLE_LOG_ROTATION_HOURLY = 3;
    const SWOOLE_LOG_ROTATION_EVERY_MINUTE = 4;
    const SWOOLE_STRERROR_SYSTEM = 0;
    const SWOOLE_STRERROR_GAI = 1;
    const SWOOLE_STRERROR_DNS = 2;
    const SWOOLE_STRERROR_SWOOLE = 9;
    const SWOOLE_VERSION_ID = 60107;
    const SWOOLE_MAJOR_VERSION = 6;
    const SWOOLE_MINOR_VERSION = 1;
    const SWOOLE_RELEASE_VERSION = 7;
    const SWOOLE_MUTEX = 3;
    const SWOOLE_RWLOCK = 1;
    const SWOOLE_SPINLOCK = 5;
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
