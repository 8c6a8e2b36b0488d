<?php
// The generated PHP client renews its subscriptions after a reconnect: it receives a tick,
// prints SUBSCRIBED, and then (run.sh restarts the server on the same port meanwhile) listen()
// must receive a tick of the new server (its seq starts again from 1) without subscribing again.
//
// Usage: php reconnect.php DIR URL    (DIR holds the generated DemoClient.php)

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(function (int $no, string $message, string $file, int $line): bool {
    if ((error_reporting() & $no) === 0) {
        return false; // silenced with @, on purpose
    }
    throw new ErrorException($message, 0, $no, $file, $line);
});

require $argv[1] . '/DemoClient.php';

use DemoClient\DemoClient;
use DemoClient\Tick;

$c = new DemoClient($argv[2]);
$seqs = [];
$restarted = false;
$c->onTick(function (Tick $t) use (&$seqs, &$restarted, $c): void {
    if ($seqs !== [] && $t->seq < $seqs[count($seqs) - 1]) {
        $restarted = true;
    }
    $seqs[] = $t->seq;
    $c->stop();
});
$c->listen(10.0);
if ($seqs === []) {
    echo "php reconnect: FAILED: no first tick\n";
    exit(1);
}
echo "SUBSCRIBED\n";
$deadline = microtime(true) + 30;
while (!$restarted && microtime(true) < $deadline) {
    $c->listen($deadline - microtime(true));
}
if (!$restarted) {
    echo 'php reconnect: FAILED: no tick from the restarted server within 30 s (seqs ', json_encode($seqs), ")\n";
    exit(1);
}
echo 'php reconnect: ok (seqs ', json_encode($seqs), ")\n";
$c->close();
