<?php
// Errors and hostile input: every status code maps to its exception class with its stable
// code; wrong PHP types are TypeErrors; negative and huge ints, invalid UTF-8, NUL bytes,
// malformed JSON, deep nesting, INF/NAN, fractional ids, out-of-range dates and oversized
// texts each get a clear DoithoaiException with the right code (never a warning, a silent
// false or a crash) and change nothing; close semantics; a missing library.

declare(strict_types=1);

require __DIR__ . '/support.php';

use Doithoai\DoithoaiException;
use Doithoai\Engine;
use Doithoai\InvalidArgumentException as Invalid;

$S = Engine::SYSTEM;
$e = new Engine(clock: at(2022, 9, 1));
$ward = $e->createUnit($S, 'Phường Bồ Đề', 'xa', code: 'BD');
$agency = $e->createAgency($S, $ward, 'Bộ phận Địa chính');
$office = $e->registerPerson($S, 'Văn phòng');
$e->grantRole($S, $office, 'office', $ward);
$resident = $e->registerPerson($S, 'Ông A');
$e->grantRole($S, $resident, 'resident', $ward);
$front = $e->registerPerson($S, 'Chủ tịch MTTQ');
$e->grantRole($S, $front, 'front_chair', $ward);
$item = $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => 'Ranh giới thửa đất']], raisedBy: $resident)->items[0];
$seq = $e->lastSeq();

// ---- The classes and codes ----
$classes = [1 => 'NotFoundException', 2 => 'PermissionDeniedException', 3 => 'InvalidTransitionException',
    4 => 'InvalidArgumentException', 5 => 'ConflictException', 6 => 'StorageException', 7 => 'CorruptionException',
    8 => 'UnsupportedException', 64 => 'OutOfMemoryException', 65 => 'InternalException'];
$ffi = Doithoai\Library::load()->ffi;
foreach ($classes as $code => $class) {
    $x = DoithoaiException::fromStatus($code, 'm');
    check(get_class($x) === "Doithoai\\$class" && $x->getCode() === $code && $x instanceof DoithoaiException && $x instanceof RuntimeException, $class);
    check($x->statusName() === $ffi->dt_status_name($code), "$class's name is the C ABI's: " . $x->statusName());
}
$x = DoithoaiException::fromStatus(99, 'm');
check($x instanceof Doithoai\InternalException && $x->getCode() === 65 && str_contains($x->getMessage(), '99'), 'an unknown status is internal');

// ---- Each code from the engine, nothing changed ----
throws(Doithoai\NotFoundException::class, 1, fn () => $e->item(999999), 'unknown item');
throws(Doithoai\NotFoundException::class, 1, fn () => $e->assign($office, 999999, $agency), 'assign an unknown item');
throws(Doithoai\NotFoundException::class, 1, fn () => new Engine(profile: 'no-such-profile'), 'unknown profile');
throws(Doithoai\PermissionDeniedException::class, 2, fn () => $e->assign($resident, $item, $agency), 'a resident may not assign (R19)');
$e->assign($office, $item, $agency);
$seq = $e->lastSeq();
throws(Doithoai\InvalidTransitionException::class, 3, fn () => $e->closeItem($front, $item, 'x'), 'closing an unresolved item');
throws(Doithoai\InvalidTransitionException::class, 3, fn () => $e->answerOnSpot($office, $item, $office, 'x'), 'answering an assigned item on the spot');
throws(Invalid::class, 4, fn () => $e->call('no_such_method'), 'unknown method');
$e->assign($office, $item, $agency, idempotencyKey: 'k1');
$seq = $e->lastSeq();
throws(Doithoai\ConflictException::class, 5, fn () => $e->assign($office, $item, $agency, day(2022, 9, 20), idempotencyKey: 'k1'), 'a reused key');
throws(Doithoai\StorageException::class, 6, fn () => $e->call('debug_throw', ['what' => 'error']), 'injected doithoai::Error');
throws(Doithoai\StorageException::class, 6, fn () => new Engine('/nonexistent-dir/x/y.db'), 'a store in a missing directory');
throws(Doithoai\UnsupportedException::class, 8, fn () => $e->verify(), 'verify on a memory store');
throws(Doithoai\UnsupportedException::class, 8, fn () => (new Engine())->setClock(at(2022, 1, 1)), 'set_clock on the system clock');
throws(Doithoai\UnsupportedException::class, 8, fn () => new Engine(options: ['import_jsonl' => 'x.jsonl']), 'import_jsonl into memory');
throws(Doithoai\OutOfMemoryException::class, 64, fn () => $e->call('debug_throw', ['what' => 'bad_alloc']), 'bad_alloc');
throws(Doithoai\InternalException::class, 65, fn () => $e->call('debug_throw', ['what' => 'runtime_error']), 'runtime_error');
throws(Doithoai\InternalException::class, 65, fn () => $e->call('debug_throw', ['what' => 'int']), 'a thrown int');
throws(Invalid::class, 4, fn () => $e->call('debug_throw', ['what' => 'json']), 'nlohmann::json error');
// (CorruptionException, 7, comes from a tampered log: engine_test.php.)
check($e->lastSeq() === $seq, 'no failure appended anything');

// ---- Wrong PHP types: TypeError (strict_types) ----
throws(TypeError::class, null, fn () => $e->item('1'), 'a string id');
throws(TypeError::class, null, fn () => $e->item(1.0), 'a float id');
throws(TypeError::class, null, fn () => $e->item(null), 'a null id');
throws(TypeError::class, null, fn () => $e->createUnit($S, null, 'xa'), 'a null name');
throws(TypeError::class, null, fn () => $e->createUnit($S, ['a'], 'xa'), 'an array name');
throws(TypeError::class, null, fn () => $e->assign(1.5, $item, $agency), 'a float actor');
throws(TypeError::class, null, fn () => $e->standing($item, '2022-10-01'), 'a date as a string');
throws(TypeError::class, null, fn () => $e->execute(42), 'a request that is an int');
throws(TypeError::class, null, fn () => $e->call('item', 7), 'arguments that are an int');
throws(TypeError::class, null, fn () => new Engine(store: 5), 'a store that is an int');

// ---- Hostile values: clear InvalidArgumentException, nothing changed ----
$hostile = [
    'negative id' => fn () => $e->item(-1),
    'id 2^32' => fn () => $e->item(4294967296),
    'id PHP_INT_MAX' => fn () => $e->item(PHP_INT_MAX),
    'id PHP_INT_MIN' => fn () => $e->item(PHP_INT_MIN),
    'negative actor' => fn () => $e->assign(-1, $item, $agency),
    'huge actor' => fn () => $e->assign(PHP_INT_MAX, $item, $agency),
    'a string actor other than system' => fn () => $e->assign('admin', $item, $agency),
    'negative limit' => fn () => $e->overdue(day(2022, 10, 1), -1),
    'huge limit' => fn () => $e->overdue(day(2022, 10, 1), PHP_INT_MAX),
    'invalid UTF-8 in a typed string' => fn () => $e->createUnit($S, "Ph\xff\xfe", 'xa'),
    'invalid UTF-8 in an array' => fn () => $e->call('find_unit', ['code' => "\xc3\x28"]),
    'invalid UTF-8 in raw JSON' => fn () => $e->executeJson("{\"actor\": \"system\", \"command\": {\"type\": \"create_unit\", \"name\": \"Ph\xff\", \"level\": \"xa\"}}"),
    'invalid UTF-8 in a method name' => fn () => $e->call("find_unit\xff", ['code' => 'BD']),
    'invalid UTF-8 in a key' => fn () => $e->createUnit($S, 'X', 'xa', idempotencyKey: "k\xff"),
    'a NUL byte in a name' => fn () => $e->createUnit($S, "Phường\0Bồ Đề", 'xa'),
    'a NUL byte in a method name' => fn () => $e->call("last_seq\0evil"),
    'a NUL byte after raw JSON' => fn () => $e->executeJson("{\"actor\": \"system\", \"command\": {\"type\": \"create_unit\", \"name\": \"X\", \"level\": \"xa\"}}\0"),
    'a NUL byte in raw arguments' => fn () => $e->callJson('item', "{\"id\": 1}\0}"),
    'a NUL byte in a store path' => fn () => new Engine("/tmp/x.db\0evil"),
    'a NUL byte in an export path' => fn () => $e->call('export_jsonl', ['path' => "/tmp/x\0.jsonl"]),
    'malformed JSON request' => fn () => $e->executeJson('{"actor": "system", "command": '),
    'malformed JSON arguments' => fn () => $e->callJson('item', '{'),
    'a JSON array as arguments' => fn () => $e->callJson('item', '[1]'),
    'a PHP list as arguments' => fn () => $e->call('item', [1]),
    'missing argument' => fn () => $e->call('item', []),
    'unknown argument' => fn () => $e->call('item', ['id' => $item, 'colour' => 'red']),
    'an id as a string' => fn () => $e->call('item', ['id' => '1']),
    'a fractional id' => fn () => $e->call('item', ['id' => 1.0]),
    'INF' => fn () => $e->call('item', ['id' => INF]),
    'NAN' => fn () => $e->call('item', ['id' => NAN]),
    'a request that is not an object' => fn () => $e->execute([1, 2]),
    'unknown command type' => fn () => $e->execute(['actor' => $S, 'command' => ['type' => 'no_such_command']]),
    'unknown enum' => fn () => $e->createUnit($S, 'X', 'planet'),
    'unknown entity kind' => fn () => $e->entity('planet', 1),
    'nesting 100 deep' => fn () => $e->call('item', ['id' => array_reduce(range(1, 100), fn ($c) => [$c], [])]),
    'nesting 1000 deep (beyond json_encode)' => fn () => $e->call('item', ['id' => array_reduce(range(1, 1000), fn ($c) => [$c], [])]),
    'raw nesting 100000 deep' => fn () => $e->callJson('item', str_repeat('[', 100000) . str_repeat(']', 100000)),
    'a date after 2199' => fn () => $e->standing($item, day(2200, 1, 1)),
    'a date in year 10000' => fn () => $e->standing($item, (new DateTimeImmutable())->setDate(10000, 1, 1)),
    'a date before 1900' => fn () => $e->accounting($ward, day(1899, 12, 31)),
    'a negative year' => fn () => $e->overdue(new DateTimeImmutable('-0005-01-01')),
    'an impossible date' => fn () => $e->call('overdue', ['as_of' => '2022-02-30']),
    'a clock in year 1' => fn () => new Engine(clock: new DateTimeImmutable('0001-01-01T00:00:00Z')),
    'a clock in year 99999' => fn () => $e->setClock((new DateTimeImmutable('2022-01-01T00:00:00Z'))->setDate(99999, 1, 1)),
    'a name over 512 bytes' => fn () => $e->createUnit($S, str_repeat('ă', 300), 'xa'),
    'a text of 1 MB' => fn () => $e->submitOpinion($office, $ward, 'letter', [['topic' => 'land', 'text' => str_repeat('a', 1 << 20)]], raisedBy: $resident),
    'an idempotency key over 512 bytes' => fn () => $e->createUnit($S, 'X', 'xa', idempotencyKey: str_repeat('k', 600)),
    'a profile that is not JSON' => fn () => new Engine(profile: '{"name": '),
    'an unknown option' => fn () => new Engine(options: ['stor' => ':memory:']),
];
foreach ($hostile as $what => $fn) {
    throws(Invalid::class, 4, $fn, $what);
}
check($e->lastSeq() === $seq, 'no hostile value appended anything');
$x = throws(Invalid::class, 4, fn () => $e->call("no_such_\xff"), 'invalid UTF-8 quoted in a message');
check($x !== null && preg_match('//u', $x->getMessage()) === 1, 'messages are valid UTF-8');
$x = throws(Invalid::class, 4, fn () => $e->createUnit($S, "Ph\xff", 'xa'));
check($x !== null && $x->getPrevious() instanceof JsonException, 'json_encode failures keep their cause');
// Texts that are valid, if unusual, go through.
$odd = $e->createUnit($S, "Phường \u{1F3E0} \"quoted\" \\ / tab\there", 'xa');
check($e->entity('unit', $odd)['name'] === "Phường \u{1F3E0} \"quoted\" \\ / tab\there", 'unusual but valid text round-trips');
check($e->items(['unit' => $odd]) === [], 'an empty answer is an empty list');

// ---- Close semantics ----
$c = new Engine();
$c->close();
$c->close();
check($c->isClosed(), 'close() twice');
foreach (['lastSeq' => fn () => $c->lastSeq(), 'item' => fn () => $c->item(1), 'execute' => fn () => $c->execute(['actor' => $S]),
          'call' => fn () => $c->call('last_seq'), 'executeJson' => fn () => $c->executeJson('{}'),
          'createUnit' => fn () => $c->createUnit($S, 'X', 'xa'), 'events' => fn () => $c->events()] as $what => $fn) {
    $x = throws(Doithoai\EngineClosedException::class, 4, $fn, "$what after close");
    check($x instanceof Invalid && str_contains((string) $x?->getMessage(), 'closed'));
}
$dir = temp_dir();
$f = new Engine("$dir/d.db");
$f->createUnit($S, 'X', 'xa');
check(is_file("$dir/d.db-wal"), 'an open SQLite engine has its WAL file');
unset($f); // the destructor closes: SQLite removes the WAL file when the last connection closes
clearstatcache();
check(!is_file("$dir/d.db-wal"), 'the destructor closed the engine');
throws(Error::class, null, fn () => clone $e, 'an Engine cannot be cloned');
throws(LogicException::class, null, fn () => serialize($e), 'an Engine cannot be serialized');
throws(LogicException::class, null, fn () => unserialize('O:15:"Doithoai\\Engine":0:{}'), 'nor unserialized');
$bare = (new ReflectionClass(Engine::class))->newInstanceWithoutConstructor();
check($bare->isClosed(), 'an Engine made without its constructor is closed');
throws(Doithoai\EngineClosedException::class, 4, fn () => $bare->lastSeq(), 'and refuses calls');
unset($bare); // its destructor must not fail

// ---- The library ----
throws(Doithoai\LibraryException::class, 8, fn () => new Engine(library: '/nonexistent/libdoithoai_c.so'), 'a missing library');
throws(Doithoai\LibraryException::class, 8, fn () => new Engine(library: "/tmp/lib\0.so"), 'a NUL in the library path');
check(Doithoai\Library::locate() === getenv('DOITHOAI_LIBRARY'), 'DOITHOAI_LIBRARY is where the library is looked for first');
[$version, $abi, $schema] = Doithoai\Library::load()->version();
check($version !== '' && $abi === 1 && $schema === 1);
finish();
