import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Permission } from '@app/auth';
import { OpenEndpoint, Requires } from '../auth/auth.decorators';
import { MetricsService } from './metrics.service';

@ApiExcludeController()
@OpenEndpoint('metrics')
@Requires(Permission.Metrics)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
