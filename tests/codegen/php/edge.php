<?php
// The generated PHP client of the `edge` service (tests/codegen/edge.json): params named
// $class, $from, $base, $type and $default, methods echo and delete, a method close beside the
// client's own close() (close_), enum cases and properties named like keywords, and text that
// must survive. Any notice, warning or deprecation (E_ALL) fails the run.
//
// Usage: php edge.php DIR URL    (DIR holds the generated EdgeClient.php)

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(function (int $no, string $message, string $file, int $line): bool {
    if ((error_reporting() & $no) === 0) {
        return false; // silenced with @, on purpose
    }
    throw new ErrorException($message, 0, $no, $file, $line);
});

require $argv[1] . '/EdgeClient.php';

use EdgeClient\EdgeClient;
use EdgeClient\Kind;
use EdgeClient\Record;

const TEXT = "quotes \" ' */ \"\"\" ?> </script> ünïcödé 日本語 🎉 \\ end";

function check(bool $cond, string $what): void
{
    if (!$cond) {
        throw new RuntimeException("check failed: $what");
    }
}

try {
    $c = new EdgeClient($argv[2]);
    $echoed = $c->echo('c', 1, 2.5, 't');
    check($echoed === ['class' => 'c', 'from' => 1, 'base' => 2.5, 'type' => 't', 'default' => 'dflt """ */ ✓'], 'echo: ' . json_encode($echoed));
    check($c->echo(class: 'c', from: 1, base: 2.5, type: 't', default: 'mine')['default'] === 'mine', 'echo with default given');
    check($c->delete(41) === 42, 'delete(41)');
    check($c->close_() === 'closed', 'close_()');
    check($c->kind(Kind::None) === Kind::None && Kind::class_->value === 'class', 'kind');
    check($c->text() === TEXT, 'text() arrives intact');
    $rec = $c->ns->record(new Record(class: 'x', from: 2, self: Kind::Self));
    check($rec->class === 'x' && $rec->self === Kind::Self && $rec->type === 't */ """ ✓', 'ns.record: ' . var_export($rec, true));
    $c->close();
    echo "php edge client: ok\n";
} catch (Throwable $e) {
    echo $e, "\n";
    echo 'php edge client: FAILED: ', $e->getMessage(), "\n";
    exit(1);
}
