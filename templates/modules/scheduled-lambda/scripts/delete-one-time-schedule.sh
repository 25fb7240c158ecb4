# Deletes the one-time schedule; one that already ran has deleted itself
# (ActionAfterCompletion=DELETE), so ResourceNotFoundException is success.
set -euo pipefail

if err=$(aws scheduler delete-schedule \
  --region "$CLOUDCRON_SCHEDULE_REGION" \
  --name "$CLOUDCRON_SCHEDULE_NAME" \
  --group-name "$CLOUDCRON_SCHEDULE_GROUP" 2>&1 >/dev/null); then
  echo "cloudcron: deleted one-time schedule $CLOUDCRON_SCHEDULE_GROUP/$CLOUDCRON_SCHEDULE_NAME"
elif [[ "$err" == *ResourceNotFoundException* ]]; then
  echo "cloudcron: one-time schedule $CLOUDCRON_SCHEDULE_GROUP/$CLOUDCRON_SCHEDULE_NAME already gone (it ran and deleted itself)"
else
  echo "cloudcron: deleting schedule $CLOUDCRON_SCHEDULE_GROUP/$CLOUDCRON_SCHEDULE_NAME failed: $err" >&2
  exit 1
fi
