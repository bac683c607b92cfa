<?php
// webonyx/graphql-php's verdict on GraphQL requests, as Magento runs it before execution:
// validation (DocumentValidator::allRules()), then the operation's variables
// (Values::getVariableValues), with Magento's own Int, Float and String scalars.
//
//   php tools/webonyx_input_objects.php WEBONYX_SRC MAGENTO_TYPES_DIR SCHEMA.graphql < requests.jsonl
//
// WEBONYX_SRC is vendor/webonyx/graphql-php/src of a Magento install, MAGENTO_TYPES_DIR holds
// vendor/magento/framework/GraphQl/Type/Definition/{Int,Float,String}Type.php of the same
// install; both are read where they are (tools/gen_input_object_corpus.py extracts them from the
// mirror into a temporary directory). Each input line is {"query", "variables"?}; each output line
// is {"errors": [{"message", "locations"}]} or {"verdict": "ok"}.

[$_, $webonyx, $magentoTypes, $schemaFile] = $argv;

spl_autoload_register(static function (string $class) use ($webonyx, $magentoTypes): void {
    $prefixes = [
        'GraphQL\\' => $webonyx . '/',
        'Magento\\Framework\\GraphQl\\Type\\Definition\\' => $magentoTypes . '/',
    ];
    foreach ($prefixes as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
        }
    }
});

use GraphQL\Error\Error;
use GraphQL\Executor\Values;
use GraphQL\Language\AST\OperationDefinitionNode;
use GraphQL\Language\Parser;
use GraphQL\Type\Definition\Type;
use GraphQL\Utils\BuildSchema;
use GraphQL\Validator\DocumentValidator;

Type::overrideStandardTypes([
    new Magento\Framework\GraphQl\Type\Definition\IntType(),
    new Magento\Framework\GraphQl\Type\Definition\FloatType(),
    new Magento\Framework\GraphQl\Type\Definition\StringType(),
]);
$schema = BuildSchema::build(file_get_contents($schemaFile));

function described(array $errors): array
{
    return array_map(static fn (Error $e): array => [
        'message' => $e->getMessage(),
        'locations' => array_map(static fn ($l): array => ['line' => $l->line, 'column' => $l->column], $e->getLocations()),
    ], $errors);
}

while (($line = fgets(STDIN)) !== false) {
    $request = json_decode($line, true);
    $document = Parser::parse($request['query']);
    $errors = DocumentValidator::validate($schema, $document);
    if ($errors === []) {
        $operation = null;
        foreach ($document->definitions as $definition) {
            if ($definition instanceof OperationDefinitionNode) {
                $operation = $definition;
            }
        }
        [$errors] = Values::getVariableValues($schema, $operation->variableDefinitions, $request['variables'] ?? []);
        $errors ??= [];
    }
    $out = $errors === [] ? ['verdict' => 'ok'] : ['errors' => described($errors)];
    echo json_encode($out, JSON_UNESCAPED_UNICODE), "\n";
}
