<?php
// The PHP binding's bulk submission benchmark (issue 12): N single-item opinions submitted by
// the ward office, the commands of bench/bulk_submit_bench.cpp (the C++ rate they are compared
// with), on a fresh in-memory engine each run, best of RUNS runs:
//   bulk   Engine::importOpinions() (one dt_call "import_opinions" with all N rows)
//   loop   Engine::execute() once per opinion (one dt_execute each)
//   csv    the rows written as a CSV file by PHP (timed), then Engine::importCsv() (dt_call "import_csv")
// and the cost of one cheap query (itemStatus) through the binding.
// Rows are built before timing, as the C++ program builds its commands.
//   php bindings/php/bench/bulk_bench.php [N=100000] [RUNS=3]    (DOITHOAI_LIBRARY: see docs/php.md)
// bench/php_bench.sh runs it side by side with the C++ program and prints the ratios.

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Doithoai\Engine;

$n = (int) ($argv[1] ?? 100000);
$runs = (int) ($argv[2] ?? 3);

/** @return array{Engine, int, int, int} engine, ward, office, resident */
function world(): array
{
    $e = new Engine(':memory:', 'hanoi-2200', clock: new DateTimeImmutable('2022-08-10T02:00:00Z'));
    $city = $e->createUnit(Engine::SYSTEM, 'Thành phố Hà Nội', 'tinh');
    $district = $e->createUnit(Engine::SYSTEM, 'Quận Long Biên', 'huyen', $city);
    $ward = $e->createUnit(Engine::SYSTEM, 'Phường Bồ Đề', 'xa', $district);
    $office = $e->registerPerson(Engine::SYSTEM, 'Văn phòng');
    $e->grantRole(Engine::SYSTEM, $office, 'office', $ward);
    $resident = $e->registerPerson(Engine::SYSTEM, 'Ông A');
    return [$e, $ward, $office, $resident];
}

[, $ward, , $resident] = world();
$rows = [];
for ($k = 0; $k < $n; ++$k) {
    $rows[] = ['unit' => $ward, 'channel' => 'mailbox', 'raised_by' => $resident,
        'items' => [['topic' => 'land', 'text' => "Nội dung số $k"]]];
}

$best = static function (callable $run) use ($runs): float {
    $s = INF;
    for ($r = 0; $r < $runs; ++$r) {
        [$e, , $office] = world();
        $t0 = hrtime(true);
        $run($e, $office);
        $s = min($s, (hrtime(true) - $t0) / 1e9);
        $e->close();
    }
    return $s;
};

$bulk = $best(static function (Engine $e, int $office) use ($rows, $n): void {
    $report = $e->importOpinions($office, $rows);
    if ($report->submitted !== $n || $report->items !== $n) {
        throw new RuntimeException('import_opinions did not submit every row');
    }
});
$loop = $best(static function (Engine $e, int $office) use ($rows, $n): void {
    foreach ($rows as $row) {
        $e->execute(['actor' => $office, 'command' => ['type' => 'submit_opinion'] + $row]);
    }
    if ($e->lastSeq() !== 6 + $n) {
        throw new RuntimeException('the loop did not submit every opinion');
    }
});

// The CSV route: PHP writes the rows as a CSV file (timed too), import_csv reads it.
$csvPath = tempnam(sys_get_temp_dir(), 'doithoai-bench-') . '.csv';
$csv = $best(static function (Engine $e, int $office) use ($rows, $n, $csvPath): void {
    $text = "unit,channel,raised_by,topic,text,opinion\n";
    foreach ($rows as $k => $row) {
        foreach ($row['items'] as $item) {
            $text .= "{$row['unit']},{$row['channel']},{$row['raised_by']},{$item['topic']},\"" .
                str_replace('"', '""', $item['text']) . "\",$k\n";
        }
    }
    file_put_contents($csvPath, $text);
    $report = $e->importCsv($office, $csvPath);
    if ($report->submitted !== $n) {
        throw new RuntimeException('import_csv did not submit every row');
    }
});
unlink($csvPath);

[$e, , $office] = world();
$e->importOpinions($office, array_slice($rows, 0, 1000));
$q = 100000;
$t0 = hrtime(true);
for ($k = 0; $k < $q; ++$k) {
    $e->itemStatus(1 + $k % 1000);
}
$statusNs = (hrtime(true) - $t0) / $q;

printf("php_items %d\nphp_bulk_seconds %.6f\nphp_bulk_per_sec %.0f\nphp_loop_seconds %.6f\nphp_loop_per_sec %.0f\n" .
    "php_csv_seconds %.6f\nphp_csv_per_sec %.0f\nphp_item_status_ns %.1f\n",
    $n, $bulk, $n / $bulk, $loop, $n / $loop, $csv, $n / $csv, $statusNs);
