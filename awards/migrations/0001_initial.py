"""The award models move here from the judging app with their tables: state only, no table is
created, renamed or touched. Their content types move too, so permissions granted on them stay."""

import awards.models.certificate
import awards.models.notice
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = (
    "award",
    "awardtier",
    "calendarday",
    "certificate",
    "certificatebatch",
    "certificatetemplate",
    "notice",
    "objection",
    "objectionfile",
)


def content_types_move(apps, schema_editor, *, source="judging", target="awards"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=source, model__in=MODELS
    ).update(app_label=target)


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="awards", target="judging")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('contest', '0002_challenge_review_note'),
        ('judging', '0002_awards_notices_certificates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CalendarDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='日期 Date')),
                        ('kind', models.CharField(choices=[('holiday', '法定节假日 Holiday'), ('workday', '调休上班 Adjusted working day')], max_length=16, verbose_name='类型 Kind')),
                        ('name', models.CharField(blank=True, help_text='春节, 国庆节 …', max_length=64, verbose_name='名称 Name')),
                    ],
                    options={
                        'verbose_name': '节假日与调休 Calendar day',
                        'verbose_name_plural': '节假日与调休 Calendar days',
                        'db_table': 'judging_calendarday',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='AwardTier',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='一等奖, 金奖, 擂主 …', max_length=64, verbose_name='奖项名称 Name')),
                        ('kind', models.CharField(choices=[('ranked', '按名次 By rank'), ('special', '单项奖 Special award'), ('organiser', '组织奖 Organiser award')], default='ranked', max_length=16, verbose_name='类型 Kind')),
                        ('quota_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='名额 Quota (count)')),
                        ('quota_percent', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='比例% Quota (percent)')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='顺序 Order')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('challenge', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contest.challenge')),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='award_tiers', to='contest.contest')),
                        ('track', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contest.track')),
                    ],
                    options={
                        'verbose_name': '奖项 Award tier',
                        'verbose_name_plural': '奖项 Award tiers',
                        'db_table': 'judging_awardtier',
                        'ordering': ['contest', 'order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Award',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('group_key', models.CharField(blank=True, max_length=64)),
                        ('group_name', models.CharField(blank=True, max_length=200)),
                        ('rank', models.PositiveIntegerField(blank=True, null=True)),
                        ('tied', models.BooleanField(default=False)),
                        ('final_score', models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True)),
                        ('status', models.CharField(choices=[('proposed', '拟奖 Proposed'), ('in_notice', '公示中 In public notice'), ('final', '已确定 Final'), ('removed', '已撤销 Removed')], default='proposed', max_length=16)),
                        ('glyph_issues', models.JSONField(blank=True, default=list, help_text='Names the certificate font cannot print: [{"role", "name", "missing"}]')),
                        ('reason', models.TextField(blank=True, help_text='Why the organiser added or changed it')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='awards', to='contest.contest')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contest.entry')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='contest.organisation')),
                        ('snapshot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='judging.resultsnapshot')),
                        ('stage', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contest.stage')),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='contest.team')),
                        ('tier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='awards.awardtier')),
                    ],
                    options={
                        'verbose_name': '获奖 Award',
                        'verbose_name_plural': '获奖 Awards',
                        'db_table': 'judging_award',
                        'ordering': ['contest', 'tier__order', 'rank', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='CertificateBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', '排队中 Queued'), ('running', '进行中 Running'), ('done', '已完成 Done'), ('failed', '失败 Failed')], default='queued', max_length=16)),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('done', models.PositiveIntegerField(default=0)),
                        ('issued', models.PositiveIntegerField(default=0, help_text='New certificates in this run')),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_batches', to='contest.contest')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '证书批次 Certificate batch',
                        'verbose_name_plural': '证书批次 Certificate batches',
                        'db_table': 'judging_certificatebatch',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveIntegerField()),
                        ('serial', models.CharField(max_length=40, unique=True, verbose_name='证书编号 Serial')),
                        ('recipient_role', models.CharField(choices=[('team', '团队 Team'), ('member', '成员 Member'), ('advisor', '指导老师 Advisor'), ('organisation', '单位 Organisation')], max_length=16)),
                        ('recipient_name', models.CharField(max_length=200)),
                        ('team_name', models.CharField(blank=True, max_length=200)),
                        ('award_name', models.CharField(max_length=64)),
                        ('contest_name', models.CharField(max_length=200)),
                        ('track_name', models.CharField(blank=True, max_length=100)),
                        ('issue_date', models.DateField()),
                        ('issuing_bodies', models.JSONField(blank=True, default=list)),
                        ('signature', models.CharField(max_length=128)),
                        ('status', models.CharField(choices=[('issued', '有效 Issued'), ('revoked', '已撤销 Revoked')], default='issued', max_length=16)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('revoke_reason', models.TextField(blank=True)),
                        ('pdf', models.FileField(blank=True, max_length=300, upload_to=awards.models.certificate.certificate_pdf_upload_to)),
                        ('sha256', models.CharField(blank=True, max_length=64, verbose_name='PDF SHA-256')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('award', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='awards.award')),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='contest.contest')),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='contest.team')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to=settings.AUTH_USER_MODEL)),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='certificates', to='awards.certificatebatch')),
                    ],
                    options={
                        'verbose_name': '获奖证书 Certificate',
                        'verbose_name_plural': '获奖证书 Certificates',
                        'db_table': 'judging_certificate',
                        'ordering': ['contest', 'seq'],
                    },
                ),
                migrations.CreateModel(
                    name='CertificateTemplate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(default='荣誉证书', max_length=32, verbose_name='标题 Title')),
                        ('subtitle', models.CharField(blank=True, default='CERTIFICATE OF HONOR', max_length=64, verbose_name='副标题 Subtitle')),
                        ('issuing_bodies', models.JSONField(blank=True, default=list, help_text='["省人社厅", "省人才办"]', verbose_name='颁发单位 Issuing bodies')),
                        ('wording_team', models.TextField(blank=True, verbose_name='团队证书措辞 Team wording')),
                        ('wording_member', models.TextField(blank=True, verbose_name='成员证书措辞 Member wording')),
                        ('wording_advisor', models.TextField(blank=True, verbose_name='指导老师证书措辞 Advisor wording')),
                        ('positions', models.JSONField(blank=True, default=dict, verbose_name='版式位置 Field positions')),
                        ('background', models.FileField(blank=True, max_length=300, upload_to=awards.models.certificate.template_upload_to, verbose_name='底图 Background')),
                        ('background_sha256', models.CharField(blank=True, max_length=64)),
                        ('seal', models.FileField(blank=True, max_length=300, upload_to=awards.models.certificate.template_upload_to, verbose_name='印章 Seal')),
                        ('seal_sha256', models.CharField(blank=True, max_length=64)),
                        ('serial_prefix', models.CharField(blank=True, help_text="e.g. SJYS; empty: the contest code's letters and digits, upper-cased", max_length=16, verbose_name='编号前缀 Serial prefix')),
                        ('issue_date', models.DateField(blank=True, null=True, verbose_name='落款日期 Issue date')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('contest', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_template', to='contest.contest')),
                    ],
                    options={
                        'verbose_name': '证书模板 Certificate template',
                        'verbose_name_plural': '证书模板 Certificate templates',
                        'db_table': 'judging_certificatetemplate',
                    },
                ),
                migrations.CreateModel(
                    name='Notice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='标题 Title')),
                        ('days', models.PositiveSmallIntegerField(verbose_name='公示天数 Days')),
                        ('working_days', models.BooleanField(default=True, verbose_name='按工作日 Working days')),
                        ('opens_at', models.DateTimeField(verbose_name='公示开始 Opens at')),
                        ('closes_at', models.DateTimeField(verbose_name='公示截止 Closes at')),
                        ('status', models.CharField(choices=[('open', '公示中 Open'), ('final', '已确定 Final')], default='open', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finalised_at', models.DateTimeField(blank=True, null=True)),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='contest.contest')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('finalised_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('stage', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contest.stage')),
                    ],
                    options={
                        'verbose_name': '公示 Public notice',
                        'verbose_name_plural': '公示 Public notices',
                        'db_table': 'judging_notice',
                        'ordering': ['-opens_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='award',
                    name='notice',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='awards', to='awards.notice'),
                ),
                migrations.CreateModel(
                    name='Objection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('objector_name', models.CharField(max_length=64, verbose_name='实名 Real name')),
                        ('on_behalf_of', models.CharField(blank=True, max_length=200, verbose_name='代表单位 On behalf of')),
                        ('contact', models.CharField(max_length=120, verbose_name='联系方式 Contact')),
                        ('reason', models.TextField(verbose_name='异议理由 Reason')),
                        ('status', models.CharField(choices=[('open', '待处理 Open'), ('upheld', '成立 Upheld'), ('rejected', '不成立 Rejected')], default='open', max_length=16)),
                        ('resolution', models.TextField(blank=True, verbose_name='处理意见 Resolution')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('award', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='objections', to='awards.award')),
                        ('notice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='awards.notice')),
                        ('objector', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='objections', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '异议 Objection',
                        'verbose_name_plural': '异议 Objections',
                        'db_table': 'judging_objection',
                        'ordering': ['notice', 'created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ObjectionFile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=300, upload_to=awards.models.notice.objection_file_upload_to)),
                        ('original_name', models.CharField(max_length=255)),
                        ('file_type', models.CharField(max_length=16)),
                        ('content_type', models.CharField(max_length=120)),
                        ('size', models.PositiveBigIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                        ('objection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='awards.objection')),
                    ],
                    options={
                        'verbose_name': '异议材料 Objection evidence',
                        'verbose_name_plural': '异议材料 Objection evidence',
                        'db_table': 'judging_objectionfile',
                        'ordering': ['objection', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='awardtier',
                    constraint=models.CheckConstraint(condition=models.Q(('track__isnull', True), ('challenge__isnull', True), _connector='OR'), name='award_tier_track_or_challenge'),
                ),
                migrations.AddConstraint(
                    model_name='awardtier',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'ranked'), _negated=True), models.Q(('quota_count__isnull', False), ('quota_percent__isnull', True)), models.Q(('quota_count__isnull', True), ('quota_percent__isnull', False)), _connector='OR'), name='award_tier_ranked_has_one_quota'),
                ),
                migrations.AddConstraint(
                    model_name='awardtier',
                    constraint=models.CheckConstraint(condition=models.Q(('quota_percent__isnull', True), models.Q(('quota_percent__gt', 0), ('quota_percent__lte', 100)), _connector='OR'), name='award_tier_percent_range'),
                ),
                migrations.AddConstraint(
                    model_name='certificate',
                    constraint=models.UniqueConstraint(fields=('contest', 'seq'), name='uniq_certificate_seq'),
                ),
                migrations.AddConstraint(
                    model_name='certificate',
                    constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('award', 'user'), name='uniq_certificate_award_user'),
                ),
                migrations.AddConstraint(
                    model_name='certificate',
                    constraint=models.UniqueConstraint(condition=models.Q(('recipient_role__in', ['team', 'organisation'])), fields=('award', 'recipient_role'), name='uniq_certificate_award_team'),
                ),
                migrations.AddConstraint(
                    model_name='certificate',
                    constraint=models.CheckConstraint(condition=models.Q(('recipient_role__in', ['team', 'organisation']), ('user__isnull', False), _connector='OR'), name='certificate_person_has_user'),
                ),
                migrations.AddConstraint(
                    model_name='notice',
                    constraint=models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='notice_window_order'),
                ),
                migrations.AddConstraint(
                    model_name='notice',
                    constraint=models.CheckConstraint(condition=models.Q(('days__gte', 1)), name='notice_days_positive'),
                ),
                migrations.AddIndex(
                    model_name='award',
                    index=models.Index(fields=['contest', 'status'], name='judging_awa_contest_5ab3d0_idx'),
                ),
                migrations.AddConstraint(
                    model_name='award',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('organisation__isnull', True), ('team__isnull', False)), models.Q(('organisation__isnull', False), ('team__isnull', True)), _connector='OR'), name='award_team_xor_organisation'),
                ),
                migrations.AddConstraint(
                    model_name='award',
                    constraint=models.UniqueConstraint(condition=models.Q(('team__isnull', False), models.Q(('status', 'removed'), _negated=True)), fields=('tier', 'team'), name='uniq_active_award_team'),
                ),
                migrations.AddConstraint(
                    model_name='award',
                    constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', False), models.Q(('status', 'removed'), _negated=True)), fields=('tier', 'organisation'), name='uniq_active_award_organisation'),
                ),
                migrations.AddIndex(
                    model_name='objection',
                    index=models.Index(fields=['notice', 'status'], name='judging_obj_notice__1e7ef4_idx'),
                ),
            ],
            database_operations=[
                migrations.RunPython(content_types_move, content_types_move_back),
            ],
        ),
    ]
