<?php

declare(strict_types=1);

// The binding's autoloader (PSR-4: Doithoai\X lives in src/X.php), for use without Composer:
//   require '/path/to/doithoai/bindings/php/autoload.php';
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Doithoai\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 9)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
