import { Module } from '@nestjs/common';
import { AppPageController } from './app-page.controller';
import { AppPageFiles } from './app-page-files';

/** Serves the inbox page at `/app`, the reference browser client of the session sign-in. */
@Module({
  controllers: [AppPageController],
  providers: [{ provide: AppPageFiles, useFactory: () => new AppPageFiles() }],
})
export class AppPageModule {}
