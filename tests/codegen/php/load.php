<?php
// Loads each generated PHP client given (its classes, enums and default args compiled and
// linked) with E_ALL: any notice, warning or deprecation fails.
//
// Usage: php load.php FILE.php...

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(function (int $no, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $no, $file, $line);
});

foreach (array_slice($argv, 1) as $file) {
    require $file;
    $class = basename($file, '.php');
    $fqcn = "$class\\$class";
    $client = new $fqcn('http://127.0.0.1:1/unused');
    foreach (get_declared_classes() as $declared) {
        if (str_starts_with($declared, "$class\\")) {
            new ReflectionClass($declared);
        }
    }
    echo "loaded $fqcn\n";
}
