from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from contest.identity import validate_id_number
from contest.validators import validate_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, *, mobile=None, real_name="", **extra):
        if not email and not mobile:
            raise ValueError("A user needs an email or a mobile number.")
        user = self.model(
            email=self.normalize_email(email) if email else None,
            mobile=mobile or None,
            real_name=real_name,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with email or mobile number; `real_name` is what certificates print."""

    email = models.EmailField("邮箱 Email", unique=True, null=True, blank=True)
    mobile = models.CharField(
        "手机号 Mobile",
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_mobile],
    )
    real_name = models.CharField("真实姓名 Real name", max_length=64)
    organisation = models.ForeignKey(
        "contest.Organisation",
        verbose_name="所在单位 Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    # When the person last stated their organisation, or that they have none (organisation
    # empty): a judge must have stated it before signing a panel declaration.
    organisation_stated_at = models.DateTimeField(
        "单位声明时间 Organisation stated at", null=True, blank=True
    )
    id_number = models.CharField(
        "居民身份证号码 Citizen ID number",
        max_length=18,
        blank=True,
        validators=[validate_id_number],
    )
    province = models.CharField("省份 Province", max_length=32, blank=True)
    is_staff = models.BooleanField("后台权限 Staff", default=False)
    is_active = models.BooleanField("启用 Active", default=True)
    date_joined = models.DateTimeField("注册时间 Joined", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = "用户 User"
        verbose_name_plural = "用户 Users"
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(mobile__isnull=False),
                name="user_has_email_or_mobile",
            )
        ]

    def __str__(self):
        return f"{self.real_name} <{self.email or self.mobile}>"

    @property
    def organisation_stated(self) -> bool:
        return self.organisation_id is not None or self.organisation_stated_at is not None

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser
