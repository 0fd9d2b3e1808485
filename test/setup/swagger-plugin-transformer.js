// ts-jest wrapper for the @nestjs/swagger CLI plugin (the shape ts-jest expects of an AST
// transformer), so apps built in tests describe their DTOs exactly as the built app does.
const transformer = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 1;
module.exports.factory = (compilerService) =>
  transformer.before(
    { introspectComments: true, classValidatorShim: true, dtoFileNameSuffix: ['.dto.ts'] },
    compilerService.program,
  );
