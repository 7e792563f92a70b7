const path = require('path');
const { task, src, dest } = require('gulp');

// tsc compiles the TypeScript; the icons (and the codex JSON) must be copied beside the compiled files.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest(path.resolve('dist')),
	),
);
