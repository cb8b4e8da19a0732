-- Orthanc Lua: when a study becomes stable and holds an RT Plan (or RT Ion Plan), send the
-- whole study (plan, structure set, dose, images) to the "rtreview" DICOM modality declared
-- in orthanc.json. rtreview reviews it once it has been quiet for its --quiet-seconds.

local RT_MODALITIES = { RTPLAN = true }

function OnStableStudy(studyId, tags, metadata)
  local series = ParseJson(RestApiGet('/studies/' .. studyId .. '/series'))
  local hasPlan = false
  for _, s in ipairs(series) do
    local modality = s['MainDicomTags']['Modality']
    if modality ~= nil and RT_MODALITIES[modality] then
      hasPlan = true
    end
  end
  if hasPlan then
    print('rtreview: forwarding RT study ' .. studyId)
    local job = RestApiPost('/modalities/rtreview/store', studyId)
    print('rtreview: C-STORE of ' .. studyId .. ' to rtreview: ' .. job)
  end
end
