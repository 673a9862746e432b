import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { invalidInput } from '@app/contracts';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { CalibrationViewService } from './calibration-view.service';
import { CalibrationsService } from './calibrations.service';
import { CalibrateReferenceRequestDto } from './dto/calibrate.dto';
import { CalibrationResponseDto } from './dto/calibration-response.dto';

import type { ProjectScope } from '@app/auth';
import { Scope } from '../../auth/auth.decorators';

@ApiTags('density')
@Controller('v1/density')
export class CalibrationsController {
  constructor(
    private readonly calibrations: CalibrationsService,
    private readonly views: CalibrationViewService,
  ) {}

  /** Runs every member that has something to measure on the benchmarks; the results service fits the family once they end. */
  @Post('references/:id/calibrate')
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retrying with the same key returns the same calibration' })
  @ApiAcceptedResponse({ type: CalibrationResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'a family the two-step fit must refuse whatever its members measure (DENSITY_* codes)' })
  @ApiOperation({ summary: 'Calibrate a family by running its members through densebench' })
  async calibrate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CalibrateReferenceRequestDto,
    @Scope() scope: ProjectScope,
    @Headers('idempotency-key') key?: string,
  ): Promise<CalibrationResponseDto> {
    if (key !== undefined && (key.length < 1 || key.length > 200)) throw invalidInput('Idempotency-Key must be 1-200 characters');
    const { calibration, reference } = await this.calibrations.submit(id, dto, scope, key);
    return this.views.view(calibration, reference);
  }

  @Get('references/:id/calibrations')
  @ApiOkResponse({ type: [CalibrationResponseDto], description: 'the family\'s calibrations, newest first' })
  @ApiOperation({ summary: "A family's calibrations" })
  async list(@Param('id', ParseUUIDPipe) id: string, @Query() q: PaginationQueryDto, @Scope() scope: ProjectScope): Promise<CalibrationResponseDto[]> {
    const rows = await this.calibrations.list(id, scope, q.limit, q.offset);
    return Promise.all(rows.map((r) => this.views.view(r.calibration, r.reference)));
  }

  @Get('calibrations/:id')
  @ApiOkResponse({ type: CalibrationResponseDto })
  @ApiOperation({ summary: 'A calibration with its runs' })
  async get(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<CalibrationResponseDto> {
    const { calibration, reference } = await this.calibrations.get(id, scope);
    return this.views.view(calibration, reference);
  }
}
