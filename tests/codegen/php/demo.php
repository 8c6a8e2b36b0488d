<?php
// The generated PHP client against a live `jsonws serve`: every call of the demo, a tick through
// the typed handler and listen(), `confirm` answered during `ask`, non-ASCII chat. Any notice,
// warning or deprecation (E_ALL) that is not silenced on purpose fails the run.
//
// Usage: php demo.php DIR URL    (DIR holds the generated DemoClient.php)

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(function (int $no, string $message, string $file, int $line): bool {
    if ((error_reporting() & $no) === 0) {
        return false; // silenced with @, on purpose
    }
    throw new ErrorException($message, 0, $no, $file, $line);
});

require $argv[1] . '/DemoClient.php';

use DemoClient\ChatMessage;
use DemoClient\Color;
use DemoClient\DemoClient;
use DemoClient\JsonRpcException;
use DemoClient\Point;
use DemoClient\Tick;
use DemoClient\TransportException;

const TEXT = 'héllo wörld ✓ 日本語 🎉 "quotes" </script> """';

function check(bool $cond, string $what): void
{
    if (!$cond) {
        throw new RuntimeException("check failed: $what");
    }
}

function run(string $url): void
{
    $when = new DateTimeImmutable('2013-12-14T11:00:53.379Z');
    $bytes = "\x00\x01\x02\x7f\x80\xfe\xff";
    $c = new DemoClient($url);
    check($c->sum(1, 2) === 3, 'sum');
    check($c->math->pow(3.0) === 9.0, 'math.pow(3) with the default exp');
    check($c->math->pow(2.0, 10) === 1024.0, 'math.pow(2, 10)');
    $p = $c->types->point(new Point(1, 2));
    check($p instanceof Point && $p->x === 1 && $p->y === 2 && $p->label === 'pt', 'types.point: ' . var_export($p, true));
    check($c->types->color(Color::Green) === Color::Green, 'types.color');
    $d = $c->types->echoDate($when);
    check($d == $when && $d->getTimezone()->getName() === 'UTC', 'types.echoDate: ' . $d->format(DATE_RFC3339_EXTENDED));
    check($c->types->echoBinary($bytes) === $bytes, 'types.echoBinary');
    check($c->types->total([1.5, 2.5, 3.0]) === 7.0, 'types.total');
    try {
        $c->fail();
        check(false, 'fail() must throw');
    } catch (JsonRpcException $e) {
        check($e->getCode() === 4000 && $e->getData()['reason'] === 'demonstration', 'fail(): ' . $e->getMessage());
    }
    try {
        (new DemoClient('http://127.0.0.1:1/api/demo/1.0.0', 5.0))->sum(1, 2);
        check(false, 'an unreachable server must throw');
    } catch (TransportException $e) {
        // A transport failure is not an error reply.
    }

    $ticks = [];
    $off = $c->onTick(function (Tick $t) use (&$ticks, $c): void {
        $ticks[] = $t;
        $c->stop();
    });
    $c->listen(10.0);
    check(count($ticks) >= 1 && $ticks[0]->seq >= 1 && $ticks[0]->at instanceof DateTimeImmutable, 'tick');
    $off();

    $asked = [];
    $c->expose('confirm', function (string $question) use (&$asked): string {
        $asked[] = $question;
        return 'yes, go';
    });
    $answer = $c->ask('Proceed?');
    check($answer === 'yes, go' && $asked === ['Proceed?'], "ask: $answer");

    $messages = [];
    $c->onChatMessage(function (ChatMessage $m) use (&$messages, $c): void {
        $messages[] = $m;
        $c->stop();
    });
    $c->chat->send(TEXT);
    if ($messages === []) {
        $c->listen(10.0);
    }
    check(count($messages) === 1 && $messages[0]->text === TEXT && $messages[0]->at instanceof DateTimeImmutable, 'chat.message');
    $c->close();

    $w = new DemoClient('ws' . substr($url, 4));
    check($w->math->pow(2.0, 5) === 32.0, 'ws: math.pow(2, 5)');
    try {
        $w->fail();
        check(false, 'ws: fail() must throw');
    } catch (JsonRpcException $e) {
        check($e->getCode() === 4000, 'ws: fail()');
    }
    $w->close();
}

try {
    run($argv[2]);
    echo "php client: ok\n";
} catch (Throwable $e) {
    echo $e, "\n";
    echo 'php client: FAILED: ', $e->getMessage(), "\n";
    exit(1);
}
