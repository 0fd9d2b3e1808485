// One definition, in the HTTP pipeline of libs/core (whose operational endpoints are public too).
export { IS_PUBLIC, Public } from '@flowgate/core';
