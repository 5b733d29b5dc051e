from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from training.models import SpecializationArea
        from training.selectors import specialization_areas_changed

        post_save.connect(specialization_areas_changed, sender=SpecializationArea)
        post_delete.connect(specialization_areas_changed, sender=SpecializationArea)
